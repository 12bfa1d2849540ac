"""The phases that need PostgreSQL or a filled store: scenarios 8 and 9, and growth."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bench.growth import seed_postgres, seed_sqlite
from bench.load import Request
from bench.postgres import backend_pids, postgres_database
from bench.scenarios import KEYS, SCENARIOS, Context, sms_send
from bench.server import ServerProcess

if TYPE_CHECKING:
    from bench.phases import Bench

__all__ = ["growth_phase", "postgres_phase", "replica_cores"]

# replicas sharing one database must share the master key of the secrets at rest
_SECRET_KEY = "bench-shared-master-key-for-replicas"
_GROWTH_SMALL = 10_000


def replica_cores() -> tuple[int, int] | None:
    """Cores for two replicas beside the generator's, or None where the machine lacks them."""
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    # a replica each, the generator and PostgreSQL: four cores to show any scaling
    return (usable[0], usable[2]) if len(usable) >= 4 else None


def _backends(url: str) -> Callable[[], list[int]]:
    name = urlsplit(url).path.lstrip("/")
    return lambda: backend_pids(name)


def _unavailable(report_: dict[str, Any], number: int, reason: str) -> None:
    scenario = SCENARIOS[number]
    report_["scenarios"].append(
        {
            "number": number,
            "name": scenario.name,
            "title": scenario.title,
            "available": False,
            "reason": reason,
        }
    )


def _row(number: int, result: dict[str, Any], **extra: Any) -> dict[str, Any]:
    scenario = SCENARIOS[number]
    return {
        "number": number,
        "name": scenario.name,
        "title": scenario.title,
        "available": True,
        **extra,
        **result,
    }


def _redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1.0):
            return True
    except OSError:
        return False


async def postgres_phase(bench: Bench, report_: dict[str, Any]) -> None:
    wanted = [n for n in (8, 9) if n in bench.args.scenario_list]
    async with postgres_database() as (url, reason):
        if url is None:
            for number in wanted:
                _unavailable(report_, number, reason)
            return
        env = {"SANDBOX_DATABASE_URL": url, "SANDBOX_SECRET_KEY": _SECRET_KEY}
        pids = _backends(url)
        if 8 in wanted:
            server = bench.sandbox("sandbox-pg", env).start()
            try:
                print(f"  scenario 8: {SCENARIOS[8].title} ...", flush=True)
                result = await bench.measure(server, sms_send, also_pids=pids)
                timelines = await bench.catch_up([server], result["load_ended"])
                report_["scenarios"].append(_row(8, result, timelines=timelines))
                await bench.settle(server)
            finally:
                server.stop()
        if 9 in wanted:
            redis_url = bench.args.replica_redis_url
            if not _redis_reachable(redis_url):
                _unavailable(report_, 9, f"no Redis at {redis_url}")
                return
            cores = replica_cores()
            shared = {**env, "SANDBOX_REDIS_URL": redis_url}
            first_cpu, second_cpu = cores or (0, 0)
            servers = [
                bench.sandbox("replica-a", shared, cpu=first_cpu).start(),
                bench.sandbox("replica-b", shared, cpu=second_cpu).start(),
            ]
            try:
                print(f"  scenario 9: {SCENARIOS[9].title} ...", flush=True)
                result = await bench.measure(servers, sms_send, also_pids=pids)
                timelines = await bench.catch_up(servers, result["load_ended"])
                note = (
                    None
                    if cores
                    else f"both replicas on core 0: this machine has {os.cpu_count()} cores, "
                    "too few for two replicas, the generator and PostgreSQL to show scaling"
                )
                report_["scenarios"].append(
                    _row(9, result, timelines=timelines, replicas=2, cores_note=note)
                )
            finally:
                for server in servers:
                    server.stop()


# -- growth ----------------------------------------------------------------------------------


async def _costs(bench: Bench, server: ServerProcess, ids: list[str], pg_url: str | None) -> Any:
    """CPU ms per request (server + PostgreSQL) of a get by id, a page of 250 and a send."""

    def get_one(index: int) -> Request:
        return Request("GET", f"/v2/notifications/{ids[index % len(ids)]}", KEYS["test"])

    def get_page(index: int) -> Request:
        return Request("GET", "/v2/notifications", KEYS["test"])

    seconds = bench.args.growth_seconds
    found: dict[str, Any] = {}
    for name, make in (("get_one", get_one), ("get_page", get_page), ("send", sms_send)):
        result = await bench.measure(
            server, make, also_pids=_backends(pg_url) if pg_url else None, duration=seconds
        )
        cost = result.get("total_cpu_ms_per_request") or result["server_cpu_ms_per_request"]
        found[name] = {"cpu_ms_per_request": cost, "rps": result["rps"]}
        await bench.settle(server)
    return found


async def _growth_on(bench: Bench, backend: str, rows: int) -> dict[str, Any]:
    async with postgres_database() if backend == "postgres" else _no_database() as (url, why):
        if backend == "postgres" and url is None:
            return {"available": False, "reason": why}
        env = (
            {"SANDBOX_DATABASE_URL": url, "SANDBOX_SECRET_KEY": _SECRET_KEY}
            if url
            else {"SANDBOX_SECRET_KEY": _SECRET_KEY}
        )
        name = f"growth-{backend}"
        database = bench.workdir / name / "sandbox.db"
        context = Context()
        server = bench.sandbox(name, env).start()
        try:  # real sends: the ids to get, and the rows the seed copies
            await bench.load(
                server.base_url,
                sms_send,
                concurrency=20,
                duration=60.0,
                warmup=0.0,
                max_requests=300,
                on_response=context.collect,
            )
            await bench.catch_up([server], time.perf_counter())
        finally:
            server.stop()
        stages: dict[str, Any] = {}
        for target in (_GROWTH_SMALL, rows):
            seeded = len(context.ids) if not stages else stages[str(_GROWTH_SMALL)]["stored"]
            print(f"  growth ({backend}): filling to {target:,} stored ...", flush=True)
            if url:
                stored = await seed_postgres(url, max(0, target - seeded), start=seeded)
            else:
                stored = await seed_sqlite(database, max(0, target - seeded), start=seeded)
            server = bench.sandbox(name, env).start()
            try:
                costs = await _costs(bench, server, context.ids, url)
            finally:
                server.stop()
            stages[str(target)] = {"stored": stored, **costs}
        small, large = stages[str(_GROWTH_SMALL)], stages[str(rows)]
        ratios = {
            op: round(large[op]["cpu_ms_per_request"] / small[op]["cpu_ms_per_request"], 2)
            for op in ("send", "get_one", "get_page")
            if small[op]["cpu_ms_per_request"] and large[op]["cpu_ms_per_request"]
        }
        return {"available": True, "rows": rows, "stages": stages, "ratios": ratios}


class _no_database:
    async def __aenter__(self) -> tuple[None, str]:
        return None, ""

    async def __aexit__(self, *exc: object) -> None:
        return None


async def growth_phase(bench: Bench, report_: dict[str, Any]) -> None:
    rows = bench.args.growth_rows
    report_["growth"] = {}
    for backend in ("sqlite", "postgres"):
        report_["growth"][backend] = await _growth_on(bench, backend, rows)
