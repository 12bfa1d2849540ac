"""Finding provider factories through entry points and building the configured providers.

Only the composition root calls these; nothing is loaded at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal, cast

import structlog

from simulator.did_you_mean import unknown_name_message
from simulator.domain.outbound import (
    PROVIDER_ENTRY_POINT_GROUP,
    EmailProvider,
    ProviderFactory,
    ReceiptRules,
    SmsProvider,
)

__all__ = [
    "Channel",
    "ProviderSet",
    "ProviderSpec",
    "build_providers",
    "load_provider_factories",
    "receipt_rules",
]

Channel = Literal["sms", "email"]
_CHANNELS: tuple[Channel, ...] = ("sms", "email")

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """
    One configured provider: ``kind`` picks the factory, ``priority`` orders the chain
    (lowest first; ties keep configuration order), ``settings`` go to the factory.

    .. versionadded:: 0.1.0
    """

    name: str
    channel: Channel
    kind: str
    priority: int
    settings: Mapping[str, Any] = field(default_factory=dict, repr=False)  # may hold secrets


@dataclass(frozen=True, slots=True)
class ProviderSet:
    """
    The built providers per channel, in the order the dispatcher should try them.

    .. versionadded:: 0.1.0
    """

    sms: tuple[SmsProvider, ...] = ()
    email: tuple[EmailProvider, ...] = ()

    async def aclose(self) -> None:
        """Close every provider once, even if one of them fails to close."""
        errors: list[Exception] = []
        for provider in _unique((*self.sms, *self.email)):
            try:
                await provider.aclose()
            except Exception as exc:  # close the rest before reporting
                log.warning("provider_close_failed", provider=provider.name, error=repr(exc))
                errors.append(exc)
        if errors:
            raise ExceptionGroup("closing providers failed", errors)


def receipt_rules(factories: Mapping[str, object]) -> dict[str, ReceiptRules]:
    """The receipt rules each provider kind offers (its factory's ``receipts``), by kind."""
    found: dict[str, ReceiptRules] = {}
    for kind, factory in factories.items():
        rules = getattr(factory, "receipts", None)
        if rules is not None:
            found[kind] = rules
    return found


def load_provider_factories(
    discover: Callable[[], Iterable[EntryPoint]] | None = None,
) -> dict[str, ProviderFactory]:
    """
    Load every factory registered in the ``notify_sandbox.providers`` entry-point group.

    A plugin that fails to import is logged and left out, so one broken package does not
    stop the sandbox unless it is actually configured (then `build_providers` names it
    as unknown). The first registration of a name wins.

    .. versionadded:: 0.1.0
    """
    found = discover() if discover else entry_points(group=PROVIDER_ENTRY_POINT_GROUP)
    factories: dict[str, ProviderFactory] = {}
    for entry_point in found:
        if entry_point.name in factories:
            log.warning(
                "provider_plugin_duplicate", kind=entry_point.name, ignored=entry_point.value
            )
            continue
        try:
            factories[entry_point.name] = cast(ProviderFactory, entry_point.load())
        except Exception as exc:  # a third-party import error must not hide the others
            log.warning("provider_plugin_failed", kind=entry_point.name, error=repr(exc))
    return factories


def build_providers(
    specs: Sequence[ProviderSpec], factories: Mapping[str, ProviderFactory]
) -> ProviderSet:
    """
    Build each configured provider and sort them per channel by priority.

    The factory receives the spec's settings plus ``name``. Raises `ValueError` for an
    unknown kind or channel, a duplicate name within a channel, or a provider that cannot
    send on its channel.

    .. versionadded:: 0.1.0
    """
    _check_specs(specs, factories)
    ordered = sorted(specs, key=lambda spec: spec.priority)  # stable: ties keep config order
    sms: list[SmsProvider] = []
    email: list[EmailProvider] = []
    for spec in ordered:
        settings = _ReadSettings({**spec.settings, "name": spec.name})
        provider = factories[spec.kind](settings)
        settings.check_all_read(spec)
        if spec.channel == "sms" and isinstance(provider, SmsProvider):
            sms.append(provider)
        elif spec.channel == "email" and isinstance(provider, EmailProvider):
            email.append(provider)
        else:
            raise ValueError(
                f"provider {spec.name!r}: kind {spec.kind!r} cannot send {spec.channel}"
            )
    return ProviderSet(sms=tuple(sms), email=tuple(email))


class _ReadSettings(Mapping[str, Any]):
    """A provider's settings that remember which keys the factory looked at.

    A key it never looked at is one it does not know (a typo such as ``hots``), so it is
    refused instead of silently ignored; the valid names are the ones it did look at.
    A factory that iterates the settings is taken to read them all.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)
        self._read: set[str] = {"name"}

    def __getitem__(self, key: str) -> Any:
        self._read.add(key)
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._read.add(key)
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        self._read.update(self._values)
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def check_all_read(self, spec: ProviderSpec) -> None:
        for key in self._values:
            if key not in self._read:
                valid = sorted(self._read - {"name"})
                raise ValueError(
                    f"provider {spec.name!r}: "
                    + unknown_name_message(f"{spec.kind} setting", key, valid)
                )


def _check_specs(specs: Sequence[ProviderSpec], factories: Mapping[str, ProviderFactory]) -> None:
    # check everything before building anything, so a bad spec leaves no open clients
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.channel not in _CHANNELS:
            raise ValueError(
                f"provider {spec.name!r}: unknown channel {spec.channel!r}; use 'sms' or 'email'"
            )
        if spec.kind not in factories:
            available = ", ".join(sorted(factories)) or "none"
            raise ValueError(
                f"provider {spec.name!r}: unknown kind {spec.kind!r}; available kinds: {available}"
            )
        if (spec.channel, spec.name) in seen:
            raise ValueError(f"provider {spec.name!r} is configured twice for {spec.channel}")
        seen.add((spec.channel, spec.name))


def _unique(providers: Iterable[SmsProvider | EmailProvider]) -> list[SmsProvider | EmailProvider]:
    by_id = {id(provider): provider for provider in providers}
    return list(by_id.values())
