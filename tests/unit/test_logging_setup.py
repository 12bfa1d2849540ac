"""Stdlib records (aiohttp, asyncio) come out through structlog, formatted like our own lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from simulator.logging_setup import configure_logging


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level
    structlog.reset_defaults()


def test_stdlib_records_are_json_lines_with_level_logger_and_traceback(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "info")
    logging.getLogger("aiohttp.server").error("Error handling request from %s", "127.0.0.1")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("asyncio").exception("Task exception was never retrieved")
    logging.getLogger("aiohttp.access").debug("below the level, so not written")
    structlog.get_logger("simulator.request").info("request", status=200)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line.get("logger"), line["level"]) for line in lines] == [
        ("aiohttp.server", "error"),
        ("asyncio", "error"),
        (None, "info"),
    ]
    assert lines[0]["event"] == "Error handling request from 127.0.0.1"
    assert "RuntimeError: boom" in lines[1]["exception"]
    assert all("timestamp" in line for line in lines)


def test_stdlib_records_are_redacted_like_ours(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console", "info")
    token = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzZXJ2aWNlIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
    logging.getLogger("aiohttp.server").warning("Bad header: Authorization: Bearer %s", token)
    out = capsys.readouterr().out
    assert "[aiohttp.server]" in out
    assert token not in out
