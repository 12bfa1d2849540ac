"""The composition root: reads Config, chooses adapters, wires the use cases."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from importlib.resources.abc import Traversable

import structlog
from aiohttp import web

from simulator.api.gc_routes import gc_v2_routes
from simulator.api.keys import ADMIN_KEY, CONFIG_KEY, GATEWAY_KEY, WORKER_KEY, AdminGateway, Gateway
from simulator.api.middleware import edge, response_headers
from simulator.api.openapi import openapi_routes
from simulator.api.openapi_live import mount_live_documents
from simulator.api.request_log import request_log
from simulator.api.routes import setup_routes
from simulator.bulk_wiring import wire_bulk, wire_bulk_reads
from simulator.config import Config, ConfigError
from simulator.data import default_fixtures, simulation_rules
from simulator.data_dir import claim_for_profile, kept_admin_token
from simulator.delivery.callbacks import CallbackSender
from simulator.delivery.dispatch import ProviderChain
from simulator.delivery.provider_lane import ProviderLane
from simulator.delivery.worker import DeliveryWorker
from simulator.domain.callbacks import AddressGuard
from simulator.domain.clock import SandboxClock
from simulator.domain.faults import FaultBook, parse_fault_rule
from simulator.domain.outbound import ProviderFactory, ReceiptRules
from simulator.domain.phone_rules import phone_error_text
from simulator.domain.ports import Limiter, Store
from simulator.domain.profile_gc import gc_profile
from simulator.domain.profiles import Profile, uk_profile
from simulator.domain.recipients import (
    InvalidEmailAddress,
    InvalidPhoneNumber,
    validate_email_address,
)
from simulator.domain.schemas import RequestSchemas
from simulator.domain.simulation import SimulationRules
from simulator.domain.timeline import planned_span
from simulator.fixtures import (
    LoadedFixtures,
    ServiceDefaults,
    load_rules,
    read_fixtures,
)
from simulator.gateway.auth import Authenticator
from simulator.gateway.callback_health import CallbackHealth
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.clock_control import ClockControl
from simulator.gateway.day_counters import DayCounters
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.events import ChangeFeed
from simulator.gateway.fixture_merge import FixtureMemory, merge_service
from simulator.gateway.health import SandboxHealth
from simulator.gateway.key_admin import KeyManager
from simulator.gateway.key_events import KeyEventWriter
from simulator.gateway.key_limits import KeyLimits
from simulator.gateway.key_string_auth import KeyStringAuth
from simulator.gateway.key_usage import KeyUsage
from simulator.gateway.message_log import MessageLog
from simulator.gateway.provider_receipts import ReceiptSource, ReceiptUpdates
from simulator.gateway.reads import ReadService
from simulator.gateway.reports import ReportService
from simulator.gateway.retention import RetentionSweep
from simulator.gateway.send import SendService
from simulator.gateway.send_a_file import DocumentLinks
from simulator.gateway.service_admin import ServiceAdmin
from simulator.gateway.service_callbacks import ServiceCallbacks
from simulator.gateway.team_access import TeamAccess
from simulator.gateway.template_management import TemplateManagement
from simulator.gateway.timelines import StoredTimelines
from simulator.gateway.usage_report import UsageReport
from simulator.legacy_wiring import wire_legacy
from simulator.letter_wiring import wire_letters
from simulator.limits.memory import InMemoryLimiter
from simulator.providers.registry import (
    Channel,
    ProviderSet,
    ProviderSpec,
    build_providers,
    load_provider_factories,
    receipt_rules,
)
from simulator.storage.factory import Storage, open_storage
from simulator.storage.secret_box import SecretBox, load_master_key
from simulator.web import setup_dashboard

__all__ = ["WORKER_KEY", "create_app", "load_profile"]

log = structlog.get_logger("simulator.app")

FIXTURES_KEY = web.AppKey("FIXTURES_KEY", LoadedFixtures)
_CLIENT_MAX_SIZE = 16 * 1024 * 1024  # emails may be up to 2 MB, plus files


# config.py has checked each provider's channel is one of these
_CHANNELS: dict[str, Channel] = {"sms": "sms", "email": "email"}
_PROFILES: dict[str, Callable[[SimulationRules], Profile]] = {"uk": uk_profile, "ca": gc_profile}


def load_profile(config: Config) -> Profile:
    profile = _PROFILES[config.profile](SimulationRules())
    # smoke-test numbers are matched in the profile's own normalised form
    rules = load_rules(simulation_rules(config.profile), profile.phones.allow_list_key)
    return replace(profile, simulation=rules)


def create_app(config: Config, *, clock: SandboxClock | None = None) -> web.Application:
    profile = load_profile(config)
    # the request line outermost, so it sees the answer the edge made of any error
    app = web.Application(
        middlewares=[request_log, edge(profile.messages)], client_max_size=_CLIENT_MAX_SIZE
    )
    app[CONFIG_KEY] = config
    app.on_response_prepare.append(
        response_headers(strict=config.strict, admin_origins=config.admin_cors_origins)
    )
    # GC's own v2 routes first: /v2/notifications/bulk must win over /v2/notifications/{id}
    app.router.add_routes(gc_v2_routes(profile))
    # entry points read once: providers contribute their receipt routes before the router freezes
    factories = load_provider_factories()
    admin = setup_routes(app, receipt_rules(factories))
    app.cleanup_ctx.append(_gateway_ctx(clock or SandboxClock(), admin, factories))
    setup_dashboard(app, profile.name)
    mount_live_documents(app)
    if profile.openapi_specs:  # GC only; elsewhere the URL stays the route-level 404
        app.router.add_routes(openapi_routes(profile.openapi_specs))
    return app


def _schemas(profile: Profile, clock: SandboxClock) -> RequestSchemas:
    texts = profile.messages.phone

    def phone_checker(raw: str) -> str | None:
        try:
            profile.phones.parse(raw)
        except InvalidPhoneNumber as error:
            return phone_error_text(texts, error)
        return None

    def email_checker(raw: str) -> bool:
        try:
            validate_email_address(raw, profile.email_rules)
        except InvalidEmailAddress:
            return False
        return True

    return RequestSchemas(
        phone_checker=phone_checker,
        email_checker=email_checker,
        clock=clock.now,
        reference_max_length=profile.reference_max_length,
        schedule_hours_ahead=profile.schedule_hours_ahead,
        variant=profile.schema,
    )


def claim_lease(config: Config) -> float:
    """Long enough for the slowest channel's whole chain, so no replica re-claims mid-send."""
    worst = 0.0
    for channel in ("sms", "email"):
        total = 0.0
        for provider in (p for p in config.providers if p.channel == channel):
            timeout = float(provider.settings.get("timeout", 30))
            total += config.dispatch_attempts * (timeout + 30.0)  # 30 s: the backoff cap
        worst = max(worst, total)
    return max(config.claim_lease_seconds, worst)


def _provider_chains(
    config: Config, factories: Mapping[str, ProviderFactory]
) -> tuple[ProviderSet, dict[str, ProviderChain]]:
    specs = [
        ProviderSpec(p.name, _CHANNELS[p.channel], p.kind, p.priority, p.settings)
        for p in config.providers
    ]
    configured = {spec.channel for spec in specs}
    for channel in _CHANNELS.values():
        if channel not in configured:  # nothing configured: keep it on this machine
            specs.append(ProviderSpec("outbox", channel, "outbox", 1_000_000))
    try:
        provider_set = build_providers(specs, factories)
    except (ValueError, TypeError) as error:
        raise ConfigError(f"providers: {error}") from error
    attempts, delay = config.dispatch_attempts, config.dispatch_base_delay
    chains = {
        "sms": ProviderChain(provider_set.sms, attempts_per_provider=attempts, base_delay=delay),
        "email": ProviderChain(
            provider_set.email, attempts_per_provider=attempts, base_delay=delay
        ),
    }
    return provider_set, chains


@dataclass(slots=True)
class _Background:
    tasks: list[asyncio.Task[None]]

    def every(self, seconds: float, job: Callable[[], Awaitable[object]], name: str) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await job()
                except Exception:
                    log.exception("background_job_failed", job=name)

        self.tasks.append(asyncio.get_running_loop().create_task(loop(), name=name))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _gateway_ctx(
    clock: SandboxClock, admin: web.Application, factories: Mapping[str, ProviderFactory]
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        config = app[CONFIG_KEY]
        claim_for_profile(config.data_dir, config.profile)
        profile = load_profile(config)
        box = SecretBox(load_master_key(config.secret_key, config.data_dir))
        storage = await open_storage(
            config.database_url, config.data_dir, box, config.sqlite_synchronous, clock
        )
        store = storage.store
        provider_set, chains = _provider_chains(config, factories)
        limiter = _limiter(config)
        try:
            app[FIXTURES_KEY] = await _load_fixtures(config, store, clock, profile)
            receipts = _receipt_sources(config, receipt_rules(factories))
            gateway, admin_gateway, worker = _wire(
                config, profile, clock, storage, chains, limiter, receipts
            )
            counters = DayCounters(
                store=store, limiter=limiter, key_usage=gateway.key_usage, clock=clock
            )
            await counters.restore_allowances()
            await counters.restore_snapshots()
            for rule in app[FIXTURES_KEY].faults:
                admin_gateway.faults.add(parse_fault_rule(rule))
            app[GATEWAY_KEY] = gateway
            admin[ADMIN_KEY] = admin_gateway
            app[WORKER_KEY] = worker
            worker.start()
            if gateway.jobs is not None:
                gateway.jobs.start()
            gateway.callback_sender.start()
            background = _Background([])
            flush = config.usage_flush_seconds
            background.every(flush, gateway.key_usage.flush, "key-usage-flush")
            background.every(flush, counters.save, "day-counters")
            retention = RetentionSweep(
                directory=store, inspection=storage.inspection, files=storage.files, clock=clock
            )
            background.every(config.retention_sweep_seconds, retention.sweep, "retention")
            yield
            await background.stop()
            if gateway.jobs is not None:
                await gateway.jobs.stop()
            await worker.stop()
            await gateway.callback_sender.stop()
            await gateway.key_usage.flush()
            await counters.save()
        finally:
            await provider_set.aclose()
            await limiter.close()
            await storage.close()

    return ctx


def _receipt_sources(config: Config, rules: Mapping[str, ReceiptRules]) -> dict[str, ReceiptSource]:
    """Each kind that calls back, with the configured providers of that kind by name."""
    return {
        kind: ReceiptSource(
            kind_rules, {p.name: p.settings for p in config.providers if p.kind == kind}
        )
        for kind, kind_rules in rules.items()
    }


def callback_guard(config: Config) -> AddressGuard:
    return AddressGuard.from_settings(
        config.callbacks_allow_private, config.callbacks_allow_addresses
    )


def _limiter(config: Config) -> Limiter:
    if config.redis_url:
        # imported only when used: the redis client is a quarter of the start-up imports
        from simulator.limits.redis_limiter import RedisLimiter

        return RedisLimiter(config.redis_url, fail_closed=config.redis_fail_closed)
    return InMemoryLimiter()


def _wire(
    config: Config,
    profile: Profile,
    clock: SandboxClock,
    storage: Storage,
    chains: dict[str, ProviderChain],
    limiter: Limiter,
    receipts: Mapping[str, ReceiptSource],
) -> tuple[Gateway, AdminGateway, DeliveryWorker]:
    store = storage.store
    directory = ServiceDirectory(store)
    admin_token = config.admin_token or kept_admin_token(config.data_dir)
    email_domain = config.email_domain or profile.email_domain
    schemas = _schemas(profile, clock)
    key_events = KeyEventWriter(store, clock)
    planner = CallbackPlanner(
        directory,
        status_descriptions=profile.status_descriptions,
        simulation=profile.simulation,
    )
    events = ChangeFeed()
    faults = FaultBook(random=random.random)
    callback_health = CallbackHealth(
        rules=profile.callback_suspension,
        store=store,
        clock=clock,
        on_change=directory.invalidate,
    )
    callback_sender = CallbackSender(
        health=callback_health,
        store=storage.callbacks,
        directory=directory,
        clock=clock,
        schedule=config.callback_retry_schedule,
        guard=callback_guard(config),
        timeout=config.callback_timeout_seconds,
        poll_seconds=config.worker_poll_seconds,
    )

    # a commit made something due: readers look again, the worker wakes (it subscribes)
    on_scheduled = events.publish

    lane = ProviderLane(
        store=store,
        directory=directory,
        clock=clock,
        timing=config.timing,
        chains=chains,
        email_domain=email_domain,
        on_scheduled=on_scheduled,
        callbacks=planner,
        on_callback_queued=callback_sender.notify_due,
        sms_in_flight=profile.sms_hand_off_status,
        language_blocks=profile.language_blocks,
    )
    letters, dispatch = wire_letters(
        config=config,
        profile=profile,
        clock=clock,
        store=store,
        files=storage.files,
        directory=directory,
        callbacks=planner,
        on_scheduled=on_scheduled,
        on_callback_queued=callback_sender.notify_due,
        others=lane,
    )
    worker = DeliveryWorker(
        store=store,
        clock=clock,
        timing=config.timing,
        rules=profile.simulation,
        dispatch=dispatch,
        poll_seconds=config.worker_poll_seconds,
        lease_seconds=claim_lease(config),
        callbacks=planner,
        on_callback_queued=callback_sender.notify_due,
        on_changed=events.publish,
        sms_in_flight=profile.sms_hand_off_status,
    )
    events.subscribe_due(worker.notify_due)
    events.subscribe_changes(worker.announce)
    documents = DocumentLinks(
        files=storage.files, clock=clock.now, public_base_url=config.public_url
    )
    sender = SendService(
        profile=profile,
        directory=directory,
        store=store,
        schemas=schemas,
        limiter=limiter,
        clock=clock,
        timing=config.timing,
        email_domain=email_domain,
        on_stored=events.stored,
        on_key_event=key_events,
        callbacks=planner,
        on_callback_queued=callback_sender.notify_due,
        faults=faults,
        documents=documents,
    )
    key_usage = KeyUsage(store, clock)
    timelines = StoredTimelines(
        store=store,
        clock=clock,
        span=planned_span(
            profile.simulation, config.timing.sending_delay, config.timing.delivery_delay
        ),
        on_scheduled=on_scheduled,
    )
    key_manager = KeyManager(
        store=store,
        directory=directory,
        clock=clock,
        key_prefix=profile.key_prefix,
        on_change=directory.invalidate,
        messages=profile.messages,
    )
    service_admin = ServiceAdmin(
        store=store,
        clock=clock,
        default_rate_limit=profile.default_rate_limit,
        on_change=directory.invalidate,
        messages=profile.messages,
        phones=profile.phones,
        prefix_sms_default=profile.prefix_sms_default,
        extra_permissions=profile.extra_permissions,
        extra_limits=profile.extra_limits,
    )
    gateway = Gateway(
        profile=profile,
        clock=clock,
        health=SandboxHealth(
            profile=profile.name,
            store=store,
            limiter=limiter,
            notifications_created=lambda: sender.created,
            timeline_steps=lambda: worker.steps,
            callbacks_delivered=lambda: callback_sender.sent,
        ),
        directory=directory,
        authenticator=Authenticator(
            directory,
            profile.messages,
            clock,
            key_strings=KeyStringAuth(
                store,
                directory,
                profile.messages,
                key_prefix=profile.key_prefix,
                checks_active_service=profile.full_key_checks_active_service,
            ),
            schemes=(*config.auth_schemes, *profile.builtin_auth_schemes),
            on_key_event=key_events,
            lenient_scheme=profile.lenient_auth_scheme,
            skip_bad_algorithm=profile.skip_keys_on_bad_algorithm,
        ),
        sender=sender,
        reads=ReadService(
            store=store,
            directory=directory,
            clock=clock,
            messages=profile.messages,
            page_size=profile.api_page_size,
        ),
        schemas=schemas,
        key_usage=key_usage,
        key_manager=key_manager,
        usage=UsageReport(
            profile=profile,
            clock=clock,
            limiter=limiter,
            sender=sender,
            service_admin=service_admin,
            key_manager=key_manager,
            key_usage=key_usage,
            store=store,
        ),
        receipt_updates=ReceiptUpdates(
            sources=receipts,
            messages=profile.messages,
            store=store,
            callbacks=planner,
            clock=clock,
            on_callback_queued=callback_sender.notify_due,
            on_changed=events.publish,
        ),
        service_admin=service_admin,
        key_limits=KeyLimits(limiter, clock),
        callback_sender=callback_sender,
        callback_health=callback_health,
        events=events,
        letters=letters,
        documents=documents,
        admin_token=admin_token,
        team_access=TeamAccess(store, admin_token),
        service_callbacks=ServiceCallbacks(
            store=store,
            service_admin=service_admin,
            planner=planner,
            sender=callback_sender,
            clock=clock,
            invalidate=directory.invalidate,
            publish=events.publish,
            allow_http=config.callbacks_allow_http,
            callback_store=storage.callbacks,
            timelines=timelines,
            suspendable=frozenset(callback_health.rules.kinds if callback_health.rules else ()),
        ),
        message_log=MessageLog(
            inspection=storage.inspection,
            directory=directory,
            clock=clock,
            changes=events,
            language_blocks=profile.language_blocks,
        ),
    )
    gateway.bulk, gateway.jobs = wire_bulk(
        config=config,
        profile=profile,
        clock=clock,
        store=store,
        limiter=limiter,
        directory=directory,
        on_created=events.stored,
        faults=faults,
    )
    gateway.bulk_reads = wire_bulk_reads(
        profile=profile, clock=clock, store=store, directory=directory, limiter=limiter
    )
    gateway.legacy_send, gateway.legacy_reads = wire_legacy(
        profile=profile,
        clock=clock,
        store=store,
        limiter=limiter,
        directory=directory,
        sender=sender,
        reads=gateway.reads,
        on_key_event=key_events,
    )
    if profile.manage_templates is not None:
        gateway.template_management = TemplateManagement(
            rules=profile.manage_templates,
            store=store,
            clock=clock,
            messages=profile.messages,
            on_change=directory.invalidate,
        )
    if profile.reports is not None:
        gateway.reports = ReportService(
            rules=profile.reports,
            store=store,
            directory=directory,
            clock=clock,
            descriptions=profile.status_descriptions or {},
            not_found=gateway.reads.not_found,
            page_size=profile.api_page_size,
        )
    admin = AdminGateway(
        admin_token=admin_token,
        messages=profile.messages,
        clock=ClockControl(clock, _on_clock_moved(gateway, worker, clock), timelines),
        service_admin=service_admin,
        key_manager=key_manager,
        key_usage=key_usage,
        usage=gateway.usage,
        service_callbacks=gateway.service_callbacks,
        callback_health=callback_health,
        faults=faults,
        message_log=gateway.message_log,
        documents=documents,
        reports=gateway.reports,
    )
    return gateway, admin, worker


def _on_clock_moved(
    gateway: Gateway, worker: DeliveryWorker, clock: SandboxClock
) -> Callable[[], None]:
    """Cached entries re-read; timelines, scheduled jobs and callback retries due under the
    moved clock run now rather than at their next poll."""
    jobs = gateway.jobs

    def moved() -> None:
        gateway.directory.invalidate()
        worker.notify_due(clock.now())
        if jobs is not None:
            jobs.notify()
        gateway.callback_sender.notify_due()

    return moved


async def _load_fixtures(
    config: Config, store: Store, clock: SandboxClock, profile: Profile
) -> LoadedFixtures:
    paths: tuple[Traversable, ...] = config.fixtures or (
        default_fixtures(profile.default_fixtures),
    )
    defaults = ServiceDefaults.of(profile)
    merged = LoadedFixtures()
    memory = FixtureMemory(config.data_dir)
    for path in paths:
        loaded = read_fixtures(path, clock, defaults)
        for service in loaded.services:
            stated = loaded.stated.get(service.id, {})
            changed = memory.changed_fields(service.id, stated)
            stored = await store.get_service(service.id)
            await store.save_service(merge_service(service, stored, changed))
            memory.remember(service.id, stated)
        existing = {k.id for s in loaded.services for k in await store.get_keys(s.id)}
        for key in loaded.keys:
            if key.id not in existing:  # a revoked fixture key stays revoked across restarts
                await store.save_key(key)
        for template in loaded.templates:
            await store.save_template(template)
        for text in loaded.received_texts:
            await store.add_received_text(text)
        merged.services += loaded.services
        merged.keys += loaded.keys
        merged.templates += loaded.templates
        merged.received_texts += loaded.received_texts
        merged.faults += loaded.faults
    memory.save()
    return merged
