"""Issue 11 item 8: the default service is usable as documented, with ordinary numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from simulator.app import load_profile
from simulator.config import Config
from simulator.data import default_fixtures
from simulator.domain.clock import SandboxClock
from simulator.domain.models import KeyType, NotificationType
from simulator.domain.templating import placeholders
from simulator.fixtures import LoadedFixtures, ServiceDefaults, read_fixtures
from tests.sandbox_process import ROOT, SandboxProcess

UK_PROFILE = load_profile(Config())
CA_PROFILE = load_profile(Config(profile="ca"))
UK = read_fixtures(default_fixtures("default.yaml"), SandboxClock(), ServiceDefaults.of(UK_PROFILE))
CA = read_fixtures(
    default_fixtures("default_ca.yaml"), SandboxClock(), ServiceDefaults.of(CA_PROFILE)
)
UK_RULES = UK_PROFILE.simulation
README = (ROOT / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def default_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path_factory.mktemp("default"), fixtures=None).start()
    yield process
    process.stop()


def _team_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    (key,) = (k for k in UK.keys if k.key_type is KeyType.TEAM)
    return NotificationsAPIClient(key.full_key(""), base_url=sandbox.base_url)


def _sms_template() -> str:
    return next(t.id for t in UK.templates if t.type is NotificationType.SMS)


@pytest.mark.parametrize("who", ["team member", "guest list"])
def test_a_team_key_sms_to_the_default_team_is_stored_and_readable(
    default_sandbox: SandboxProcess, who: str
) -> None:
    (service,) = UK.services
    number = service.team[0].mobile_number if who == "team member" else service.guest_list[1]
    assert number and number.startswith("07")
    client = _team_client(default_sandbox)
    sent = client.send_sms_notification(number, _sms_template(), {"code": "4821", "minutes": 5})
    read = client.get_notification_by_id(sent["id"])
    assert read["phone_number"] == number
    assert read["body"] == "Your sandbox code is 4821. It expires in 5 minutes."


def test_no_default_or_documented_number_is_a_smoke_test_one() -> None:
    (service,) = UK.services
    numbers = [m.mobile_number for m in service.team if m.mobile_number]
    numbers += [g for g in service.guest_list if "@" not in g]
    for line in README.splitlines():
        if "team add" in line or "guest-list add" in line:
            numbers += re.findall(r"\b07\d{9}\b", line)
    assert len(numbers) >= 4
    for number in numbers:
        normalised = UK_PROFILE.phones.allow_list_key(number) or number
        assert not UK_RULES.is_smoke_test(NotificationType.SMS, normalised), number


@pytest.mark.parametrize(
    ("loaded", "document"), [(UK, ROOT / "README.md"), (CA, ROOT / "docs" / "gc-profile.md")]
)
def test_the_docs_list_every_default_template_with_its_placeholders(
    loaded: LoadedFixtures, document: Path
) -> None:
    text = document.read_text("utf-8")
    for template in loaded.templates:
        names = placeholders(*(t for t in (template.subject, template.body) if t))
        listed = ", ".join(f"`{name}`" for name in names) or "none"
        assert f"| `{template.id}` | {listed} |" in text, template.name


def test_the_default_service_sends_letters(default_sandbox: SandboxProcess) -> None:
    (key,) = (k for k in UK.keys if k.key_type is KeyType.TEST)
    client = NotificationsAPIClient(key.full_key(""), base_url=default_sandbox.base_url)
    letter = next(t.id for t in UK.templates if t.type is NotificationType.LETTER)
    address = {
        "address_line_1": "A Person",
        "address_line_2": "1 Road",
        "address_line_3": "SW1A 1AA",
    }
    sent = client.send_letter_notification(letter, {**address, "name": "Ada", "date": "Monday"})
    assert sent["content"]["subject"] == "Your appointment on Monday"
    assert client.get_notification_by_id(sent["id"])["line_3"] == "SW1A 1AA"
