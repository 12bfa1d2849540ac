"""Provider discovery through entry points and building providers from specs."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from structlog.testing import capture_logs

from simulator.domain.outbound import OutboundEmail, OutboundSms, ProviderReceipt
from simulator.providers.outbox import OutboxProvider
from simulator.providers.registry import (
    ProviderSpec,
    build_providers,
    load_provider_factories,
)


class FakeBase:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.name = str(settings["name"])
        self.settings = dict(settings)
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


class SmsOnly(FakeBase):
    async def send_sms(self, message: OutboundSms) -> ProviderReceipt:
        return ProviderReceipt(self.name, "sending")


class EmailOnly(FakeBase):
    async def send_email(self, message: OutboundEmail) -> ProviderReceipt:
        return ProviderReceipt(self.name, "sending")


FACTORIES = {"outbox": OutboxProvider, "sms-only": SmsOnly, "email-only": EmailOnly}


def test_builds_per_channel_lists_sorted_by_priority() -> None:
    specs = [
        ProviderSpec("backup", "sms", "outbox", priority=20),
        ProviderSpec("primary", "sms", "sms-only", priority=10, settings={"url": "x"}),
        ProviderSpec("mail", "email", "outbox", priority=5),
        ProviderSpec("also-20", "sms", "outbox", priority=20),
    ]

    providers = build_providers(specs, FACTORIES)

    assert [p.name for p in providers.sms] == ["primary", "backup", "also-20"]
    assert [p.name for p in providers.email] == ["mail"]
    primary = providers.sms[0]
    assert isinstance(primary, SmsOnly)
    assert primary.settings == {"url": "x", "name": "primary"}


def test_unknown_kind_names_the_available_kinds() -> None:
    spec = ProviderSpec("x", "sms", "carrier-pigeon", priority=1)

    with pytest.raises(ValueError) as caught:
        build_providers([spec], FACTORIES)

    message = str(caught.value)
    assert "'carrier-pigeon'" in message
    assert "available kinds: email-only, outbox, sms-only" in message


def test_unknown_channel_is_rejected() -> None:
    spec = ProviderSpec("x", "letter", "outbox", priority=1)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="unknown channel 'letter'"):
        build_providers([spec], FACTORIES)


def test_provider_must_support_its_channel() -> None:
    with pytest.raises(ValueError, match="kind 'sms-only' cannot send email"):
        build_providers([ProviderSpec("x", "email", "sms-only", priority=1)], FACTORIES)


def test_duplicate_names_in_a_channel_are_rejected() -> None:
    specs = [ProviderSpec("x", "sms", "outbox", 1), ProviderSpec("x", "sms", "outbox", 2)]

    with pytest.raises(ValueError, match="configured twice"):
        build_providers(specs, FACTORIES)


def test_settings_are_hidden_from_repr() -> None:
    spec = ProviderSpec("x", "sms", "twilio", 1, settings={"auth_token": "very-secret"})

    assert "very-secret" not in repr(spec)


async def test_aclose_closes_each_provider_once() -> None:
    providers = build_providers(
        [ProviderSpec("a", "sms", "sms-only", 1), ProviderSpec("b", "email", "email-only", 1)],
        FACTORIES,
    )

    await providers.aclose()

    assert [p.closed for p in (*providers.sms, *providers.email)] == [1, 1]  # type: ignore[attr-defined]


def test_discovers_the_built_in_providers() -> None:
    factories = load_provider_factories()

    assert factories["outbox"] is OutboxProvider


def test_discovery_skips_broken_plugins_and_duplicates() -> None:
    group = "notify_sandbox.providers"
    found = [
        EntryPoint("outbox", "simulator.providers.outbox:OutboxProvider", group),
        EntryPoint("broken", "simulator.providers.does_not_exist:Nope", group),
        EntryPoint("outbox", "somewhere.else:Other", group),
    ]

    with capture_logs() as logs:
        factories = load_provider_factories(lambda: found)

    assert factories == {"outbox": OutboxProvider}
    assert [entry["event"] for entry in logs] == [
        "provider_plugin_failed",
        "provider_plugin_duplicate",
    ]


async def test_outbox_delivers_both_channels_without_sending() -> None:
    outbox = OutboxProvider({"name": "local"})
    sms = OutboundSms("n-1", "svc", "07700900123", "447700900123", "GOVUK", "hi", 1, None)

    receipt = await outbox.send_sms(sms)

    assert receipt == ProviderReceipt("local", "delivered", "outbox-n-1")
    assert OutboxProvider().name == "outbox"
