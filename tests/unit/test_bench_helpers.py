"""The benchmark's own helpers: JWT signing, HTTP parsing, stats, profile summary, report."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from aiohttp import web

from bench.ceiling import create_app
from bench.load import ApiKey, Request, percentile, run_load, sign
from bench.many_keys import KEYS_PER_SERVICE, SERVICES, write_fixtures
from bench.profile import summarise_collapsed
from bench.rawhttp import parse_response
from bench.report import format_table
from bench.rss import growth_per_thousand
from bench.scenarios import (
    KEY_STRINGS,
    KEYS,
    SERVICE_ID,
    Context,
    mentions_redis,
    new_token_send,
    sms_send,
)
from bench.server import core_usage
from bench.targets import judge, render_targets
from simulator.domain.clock import SandboxClock
from simulator.fixtures import read_fixtures

SECRET = "b1111111-1111-4111-8111-111111111111"


def test_key_string_splits_into_service_id_and_secret() -> None:
    key = ApiKey.from_key_string(KEY_STRINGS["test"])
    assert key == ApiKey(SERVICE_ID, SECRET)
    assert KEYS["test"] == key


def test_sign_makes_the_official_clients_token() -> None:
    token = sign(KEYS["test"])
    assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["iss"] == SERVICE_ID
    assert isinstance(claims["iat"], int)
    assert abs(claims["iat"] - time.time()) <= 2


def test_percentile_is_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 0.5) == 50.0
    assert percentile(ordered, 0.99) == 99.0
    assert percentile(ordered, 1.0) == 100.0
    assert percentile([], 0.5) == 0.0


def test_parse_response_content_length_and_pipelined_rest() -> None:
    buffer = bytearray(
        b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
        b"HTTP/1.1 200 OK\r\n"
    )
    status, body, keep_alive, consumed = parse_response(buffer) or (0, b"", False, 0)
    assert (status, body, keep_alive) == (201, b"{}", True)
    assert buffer[consumed:] == b"HTTP/1.1 200 OK\r\n"


def test_parse_response_waits_for_the_whole_body() -> None:
    assert parse_response(bytearray(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab")) is None
    assert parse_response(bytearray(b"HTTP/1.1 200 OK\r\nContent-Le")) is None


def test_parse_response_chunked_and_close() -> None:
    raw = bytearray(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    status, body, keep_alive, consumed = parse_response(raw) or (0, b"", True, 0)
    assert (status, body, keep_alive, consumed) == (200, b"abcde", False, len(raw))


def test_context_collects_ids_of_201s_only() -> None:
    context = Context()
    context.collect(201, b'{"id": "abc"}')
    context.collect(400, b'{"id": "nope"}')
    context.collect(201, b"not json")
    assert context.ids == ["abc"]


def test_mentions_redis() -> None:
    assert mentions_redis({"status": "ok", "limits": {"backend": "Redis"}})
    assert not mentions_redis({"status": "ok", "db_version": "1.1.0"})


def test_summarise_collapsed_self_and_inclusive() -> None:
    text = "\n".join(
        [
            "run (asyncio/base_events.py:600);handle (aiohttp/web_protocol.py:10) 6",
            "run (asyncio/base_events.py:600);decode (jwt/api_jwt.py:20) 3",
            "run (asyncio/base_events.py:601) 1",
        ]
    )
    summary = summarise_collapsed(text)
    assert summary["samples"] == 10
    assert summary["self"][0] == {
        "name": "handle (aiohttp/web_protocol.py)",
        "samples": 6,
        "percent": 60.0,
    }
    assert summary["inclusive"][0]["name"] == "run (asyncio/base_events.py)"
    assert summary["inclusive"][0]["samples"] == 10
    packages = {p["name"]: p["samples"] for p in summary["packages"]}
    assert packages == {"aiohttp": 6, "PyJWT": 3, "asyncio": 1}


def test_format_table_aligns_columns() -> None:
    table = format_table(("name", "n"), [["a", 1000], ["long name", 2.5]])
    lines = table.splitlines()
    assert lines[0] == "name           n"
    assert lines[2] == "a          1,000"
    assert lines[3] == "long name   2.50"


def test_growth_per_thousand() -> None:
    points = [
        {"ok": 0, "rss_kb": 1000},
        {"ok": 1000, "rss_kb": 1100},
        {"ok": 10000, "rss_kb": 2000},
    ]
    assert growth_per_thousand(points) == 100.0
    assert growth_per_thousand(points[:1]) is None


def test_core_usage() -> None:
    before = {"cpu0": [0, 0, 0, 0, 0, 0, 0, 0]}
    after = {"cpu0": [50, 0, 10, 30, 0, 0, 0, 10]}
    assert core_usage(before, after) == {"cpu0": {"busy_percent": 60.0, "steal_percent": 10.0}}


@pytest.mark.parametrize("client", ["aiohttp", "raw"])
async def test_run_load_against_the_ceiling_app(client: str, unused_tcp_port: int) -> None:
    runner = web.AppRunner(create_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", unused_tcp_port)
    await site.start()
    try:
        stats = await run_load(
            f"http://127.0.0.1:{unused_tcp_port}",
            sms_send,
            concurrency=4,
            duration=5.0,
            warmup=0.0,
            max_requests=40,
            client=client,
        )
        bad = await run_load(
            f"http://127.0.0.1:{unused_tcp_port}",
            lambda i: Request("GET", "/nowhere", KEYS["test"]),
            concurrency=2,
            duration=5.0,
            warmup=0.0,
            max_requests=4,
            client=client,
        )
    finally:
        await runner.cleanup()
    assert stats.sent_total == 40
    assert stats.ok_total == 40
    assert stats.statuses["201"] == stats.requests
    assert stats.errors == 0
    assert bad.errors == bad.requests == 4
    assert bad.statuses == {"404": 4}


def test_summarise_collapsed_counts_threads() -> None:
    text = "\n".join(
        [
            "thread (11): MainThread;handle (aiohttp/web_protocol.py:10) 3",
            "thread (12): sqlite-writer_0;_run_batch (simulator/storage/sqlite_engine.py:5) 1",
        ]
    )
    summary = summarise_collapsed(text)
    assert [(t["name"], t["samples"]) for t in summary["threads"]] == [
        ("MainThread", 3),
        ("sqlite-writer_0", 1),
    ]
    assert summary["self"][0]["name"] == "handle (aiohttp/web_protocol.py)"


def test_new_token_requests_never_repeat_a_token_and_spread_over_the_keys(
    tmp_path: Path,
) -> None:
    requests = [new_token_send(i) for i in range(SERVICES * KEYS_PER_SERVICE)]
    assert len({sign(r.key, r.token_id) for r in requests}) == len(requests)
    assert len({r.key for r in requests}) == SERVICES * KEYS_PER_SERVICE
    claims = jwt.decode(
        sign(requests[0].key, requests[0].token_id), options={"verify_signature": False}
    )
    assert claims["jti"] == requests[0].token_id
    loaded = read_fixtures(write_fixtures(tmp_path / "keys.json"), SandboxClock())
    assert len(loaded.services) == SERVICES
    secrets = {(k.service_id, k.secret) for k in loaded.keys}
    assert {(r.key.service_id, r.key.secret) for r in requests} <= secrets


def _report(**rows: dict[str, object]) -> dict[str, object]:
    scenarios = [{"number": int(n[1:]), **row} for n, row in rows.items() if n != "ceiling"]
    return {
        "settings": {"concurrency": 50},
        "scenarios": scenarios,
        "ceiling": rows.get("ceiling"),
        "startup": {"sandbox_ready_seconds": 0.5},
    }


def test_targets_judge_ratios_within_the_run_and_say_what_was_not_measured() -> None:
    report = _report(
        s1={"rps": 3000.0, "server_cpu_ms_per_request": 0.1, "p99_ms": 12.0},
        s5={"rps": 2000.0},
        ceiling={"rps": 5000.0, "server_cpu_ms_per_request": 0.06},
    )
    verdicts = {v["target"]: v for v in judge(report)}
    assert verdicts["1 scenario 1 req/s >= 50% of the ceiling's"]["met"] is True
    assert verdicts["1 scenario 1 server CPU/request <= 2x the ceiling's"]["met"] is True
    assert verdicts["2 scenario 1 p99 < 20 ms at 50 conns"]["met"] is True
    assert verdicts["4 scenario 5 (team send, outbox) req/s >= 70% of scenario 1's"]["met"] is False
    assert verdicts["8 ready in under 1 s"]["met"] is True
    assert verdicts["2 scenario 2 p99 < 20 ms at 50 conns"]["verdict"] == "not measured"
    assert "NOT MET" in render_targets(judge(report))
