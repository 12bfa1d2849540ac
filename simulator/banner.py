"""The start-up banner: where the sandbox listens, its keys and templates, and what to do next.

Printed only once the socket is bound. A configured admin token is never printed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from simulator import __version__
from simulator.config import Config
from simulator.data_dir import ADMIN_TOKEN_FILE
from simulator.domain.models import Template
from simulator.domain.profiles import Profile
from simulator.domain.simulation import MagicOutcome
from simulator.domain.templating import placeholders
from simulator.fixtures import LoadedFixtures
from simulator.gateway.passwords import DOCUMENTED_PASSWORD

__all__ = ["DASHBOARD_PATH", "banner", "public_url"]

DASHBOARD_PATH = "/sign-in"
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def public_url(host: str, port: int) -> str:
    """The URL to give a client: a wildcard listen address is reached on 127.0.0.1."""
    shown = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def banner(
    *,
    config: Config,
    profile: Profile,
    fixtures: LoadedFixtures,
    admin_token: str,
    url: str,
    has_dashboard: bool,
    documented_password_members: Sequence[str] = (),
) -> str:
    lines = [f"Notify Sandbox {__version__} ({profile.name} profile) listening on {url}"]
    prefix = profile.key_prefix
    for service in fixtures.services:
        mode = "trial" if service.restricted else "live"
        lines.append(f"\nService {service.name} ({mode}) {service.id}")
        for key in (k for k in fixtures.keys if k.service_id == service.id):
            lines.append(f"  {key.key_type.value:<7} key  {key.full_key(prefix)}")
        for template in _latest(t for t in fixtures.templates if t.service_id == service.id):
            described = _described(template)
            lines.append(f"  {template.type.value:<7} template  {template.id}  {described}")
    if config.admin_token:
        lines.append("\nAdmin token for /sandbox/v1: as configured (not shown)")
    else:
        kept = config.data_dir / ADMIN_TOKEN_FILE
        lines.append(f"\nAdmin token for /sandbox/v1: {admin_token}  (generated, kept in {kept})")
    lines.append("\nNext steps")
    lines.append(f"  API        {url}  (give it to a Notify client as its base URL)")
    if has_dashboard:
        lines.append(f"  Dashboard  {url}{DASHBOARD_PATH}")
        for member in documented_password_members:
            lines.append(f"    sign in as {member}, password {DOCUMENTED_PASSWORD} (documented)")
        if documented_password_members and not _is_loopback(config.host):
            lines.append(
                f"  WARNING: {config.host} is reachable from other machines while the documented "
                "dashboard password is in use: change it with `notify-sandbox team set-password`"
            )
    lines.append("  Magic recipients for test keys (anyone else: delivered)")
    lines.extend(f"    {recipient:<34} {ends}" for recipient, ends in _magic(profile))
    lines.append(f"  Docs       the README; the API itself: {profile.api_docs_url}")
    return "\n".join(lines)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _latest(templates: Iterable[Template]) -> list[Template]:
    newest: dict[str, Template] = {}
    for template in templates:
        if template.id not in newest or template.version > newest[template.id].version:
            newest[template.id] = template
    return list(newest.values())


def _described(template: Template) -> str:
    names = placeholders(*(text for text in (template.subject, template.body) if text))
    if not names:
        return template.name
    return f"{template.name}  (placeholders: {', '.join(names)})"


def _magic(profile: Profile) -> list[tuple[str, str]]:
    rules = profile.simulation
    found = [(f"a number ending {suffix}", _ends(o)) for suffix, o in rules.sms_suffixes]
    found += [(address, _ends(o)) for address, o in rules.emails.items()]
    if rules.smoke_test_sms or rules.smoke_test_emails:
        found.append(("smoke-test numbers and addresses", "201, never stored (README)"))
    return found


def _ends(outcome: MagicOutcome) -> str:
    if not outcome.terminal:
        return f"{outcome.status.value}, and stays there"
    if outcome.extra_delay:
        return f"{outcome.status.value}, {outcome.extra_delay:g} s late"
    return outcome.status.value
