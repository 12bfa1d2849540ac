"""Issue 11 item 5: unknown or misspelt settings are refused on the command line, by name.

Each case runs `python -m simulator serve` as a user types it and reads its one-line error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sandbox_process import ROOT, free_port, run_module

EXAMPLE = yaml.safe_load((ROOT / "fixtures" / "example.yaml").read_text("utf-8"))


def _refusal(*argv: str, env: dict[str, str] | None = None) -> str:
    done = run_module(*argv, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def _serve_with(tmp_path: Path, change: Callable[[Any], None]) -> str:
    data = copy.deepcopy(EXAMPLE)
    change(data)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    port, data_dir = str(free_port()), str(tmp_path / "d")
    return _refusal("serve", "--fixtures", str(path), "--port", port, "--data-dir", data_dir)


def _service(data: Any) -> Any:
    return data["services"][0]


def _rename(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


FIXTURE_CASES = {
    "a misspelt service key": (
        lambda d: _rename(_service(d), "templates", "tempaltes"),
        "services[0]: unknown field 'tempaltes' (did you mean 'templates'?); valid: active, ",
    ),
    "a misspelt top-level key": (
        lambda d: _rename(d, "services", "service"),
        "top level: unknown field 'service' (did you mean 'services'?); valid: faults, services",
    ),
    "an unknown template key": (
        lambda d: _service(d)["templates"][1].update(colour="blue"),
        "services[0].templates[1]: unknown field 'colour'; valid: archived, body, created_by, ",
    ),
    "a template id that is not a UUID": (
        lambda d: _service(d)["templates"][1].update(id="abc"),
        "services[0].templates[1].id: not a UUID: 'abc'",
    ),
    "a key secret that is not a UUID": (
        lambda d: _service(d)["api_keys"][0].update(secret="hunter2"),
        "services[0].api_keys[0].secret: not a UUID: 'hunter2'; a key secret is a UUID such as "
        "3d844edf-8d35-48ac-975b-e847b4f122b0 (the full key is <name>-<service id>-<secret>)",
    ),
    "an unknown limit": (
        lambda d: _service(d)["limits"].update(smss=3),
        "services[0].limits: unknown field 'smss' (did you mean 'sms'?)",
    ),
    "an out-of-range number": (
        lambda d: _service(d).update(rate_limit="fast"),
        "services[0].rate_limit: must be a whole number from 1 to 1000000, got 'fast'",
    ),
}


@pytest.mark.parametrize("case", list(FIXTURE_CASES))
def test_a_bad_fixture_field_is_refused_with_its_path(tmp_path: Path, case: str) -> None:
    change, expected = FIXTURE_CASES[case]
    line = _serve_with(tmp_path, change)
    assert line.startswith(f"notify-sandbox: {tmp_path / 'mine.yaml'}: {expected}"), line
