"""The measured phases: sandbox scenarios, the ceiling, the Redis scenario, RSS, profile."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.load import OnResponse, Request, run_load
from bench.many_keys import write_fixtures
from bench.profile import PySpy, py_spy_path, summarise_collapsed
from bench.rss import IMMEDIATE_ENV, measure_rss
from bench.scenarios import (
    FIXTURES,
    KEYS,
    SCENARIOS,
    Context,
    Scenario,
    mentions_redis,
    new_token_send,
    sms_send,
)
from bench.server import (
    ProcessSample,
    ServerProcess,
    core_usage,
    free_port,
    read_core_times,
    read_cpu_seconds,
    read_memory_kb,
    reset_peak_rss,
    wait_quiet,
)
from bench.timelines import watch_catch_up

__all__ = ["ADMIN_TOKEN", "GENERATOR_CPU", "SERVER_CPU", "Bench"]

SERVER_CPU, GENERATOR_CPU = 0, 1
ADMIN_TOKEN = "bench-admin-token-0123456789"


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path, taskset: str | None) -> None:
        self.args = args
        self.workdir = workdir
        self.taskset = taskset
        self.context = Context()
        self.warnings: list[str] = []

    # -- processes ---------------------------------------------------------------
    def sandbox(
        self,
        name: str,
        env: dict[str, str] | None = None,
        *,
        many_keys: bool = False,
        cpu: int = SERVER_CPU,
    ) -> ServerProcess:
        data_dir = self.workdir / name
        port = free_port()
        args = ["-m", "simulator", "serve", "--port", str(port), "--data-dir", str(data_dir)]
        fixtures = ["--fixtures", str(FIXTURES)]
        if many_keys:
            fixtures += ["--fixtures", str(write_fixtures(self.workdir / "many-keys.json"))]
        return ServerProcess(
            name=name,
            args=[*args, *fixtures],
            port=port,
            log_path=self.workdir / f"{name}.log",
            env={"SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, **(env or {})},
            cpu=cpu,
            taskset=self.taskset,
        )

    def ceiling(self) -> ServerProcess:
        port = free_port()
        return ServerProcess(
            name="ceiling",
            args=["-m", "bench.ceiling", "--port", str(port)],
            port=port,
            log_path=self.workdir / "ceiling.log",
            cpu=SERVER_CPU,
            taskset=self.taskset,
        )

    # -- one measured load ----------------------------------------------------------
    async def measure(
        self,
        server: ServerProcess | list[ServerProcess],
        make_request: Callable[[int], Request],
        on_response: OnResponse | None = None,
        *,
        also_pids: Callable[[], list[int]] | None = None,
        duration: float | None = None,
    ) -> dict[str, Any]:
        """One load window. Several servers share the connections; also_pids: processes
        (PostgreSQL's backends, a pool that grows) whose CPU counts as `db_cpu`."""
        servers = server if isinstance(server, list) else [server]
        samples: dict[str, Any] = {}
        quiet = wait_quiet(self.args.wait_quiet) if self.args.wait_quiet > 0 else None

        def window_start() -> None:
            for one in servers:
                reset_peak_rss(one.pid)
            samples["start"] = [ProcessSample.take(one.pid) for one in servers]
            samples["db_start"] = _cpu_by_pid(also_pids() if also_pids else [])
            samples["cores"] = read_core_times()

        def window_end() -> None:
            samples["end"] = [ProcessSample.take(one.pid) for one in servers]
            samples["db_end"] = _cpu_by_pid(also_pids() if also_pids else [])
            samples["memory"] = read_memory_kb(servers[0].pid)
            samples["cores"] = core_usage(samples["cores"], read_core_times())

        stats = await self.load(
            [one.base_url for one in servers],
            make_request,
            concurrency=self.args.concurrency,
            duration=duration or self.args.duration,
            warmup=self.args.warmup,
            on_response=on_response,
            on_window_start=window_start,
            on_window_end=window_end,
        )
        result: dict[str, Any] = stats.summary()
        start, end = samples["start"], samples["end"]
        cpu = sum(b.cpu_seconds - a.cpu_seconds for a, b in zip(start, end, strict=True))
        wall = end[0].wall - start[0].wall
        if also_pids is not None:
            before = samples["db_start"]  # a backend born in the window counts from zero
            db_cpu = sum(t - before.get(pid, 0.0) for pid, t in samples["db_end"].items())
            result["db_cpu_ms_per_request"] = (
                round(db_cpu * 1000 / stats.requests, 3) if stats.requests else None
            )
            result["total_cpu_ms_per_request"] = (
                round((cpu + db_cpu) * 1000 / stats.requests, 3) if stats.requests else None
            )
        result["load_ended"] = samples["end"][0].wall
        result["server_cpu_ms_per_request"] = (
            round(cpu * 1000 / stats.requests, 3) if stats.requests else None
        )
        result["server_cpu_util"] = round(cpu / wall / len(servers), 3) if wall > 0 else None
        result["rps_per_server_cpu_second"] = round(stats.requests / cpu, 1) if cpu > 0 else None
        result["server_peak_rss_kb"] = samples["memory"].get("VmHWM")
        result["server_rss_kb"] = samples["memory"].get("VmRSS")
        result["cores"] = samples["cores"]
        busy = sum(core["busy_percent"] for core in samples["cores"].values())
        ours = 100 * ((result["server_cpu_util"] or 0) + result["client_cpu_util"])
        result["other_cpu_percent"] = round(max(0.0, busy - ours), 1)
        if quiet is not None:
            result["wait_quiet"] = quiet
        return result

    async def load(self, base_url: str | list[str], *args: Any, **kwargs: Any) -> Any:
        return await run_load(base_url, *args, client=self.args.client, **kwargs)

    async def catch_up(self, servers: list[ServerProcess], load_ended: float) -> dict[str, Any]:
        found = await watch_catch_up([s.base_url for s in servers], KEYS["test"], load_ended)
        caught = found["caught_up_seconds_after_load"]
        print(
            "    timelines: "
            + (f"all final {caught:.1f}s after the load" if caught is not None else "NOT caught up")
            + f" (plan: {found['plan_seconds']:.0f}s)",
            flush=True,
        )
        return found

    async def settle(self, server: ServerProcess, max_seconds: float = 10.0) -> None:
        """Wait (bounded) until the server's deferred work is done: under 5% CPU for 0.25 s."""
        for _ in range(int(max_seconds / 0.25)):
            before = read_cpu_seconds(server.pid)
            await asyncio.sleep(0.25)
            if read_cpu_seconds(server.pid) - before < 0.0125:
                return

    async def seed(self, server: ServerProcess, needed: int) -> None:
        if len(self.context.ids) >= needed:
            return
        await self.load(
            server.base_url,
            sms_send,
            concurrency=min(self.args.concurrency, 20),
            duration=60.0,
            warmup=0.0,
            max_requests=needed + 50,
            on_response=self.context.collect,
        )
        await self.settle(server)

    async def page_size(self, server: ServerProcess, scenario: Scenario) -> int | None:
        found: list[int] = []

        def count(status: int, body: bytes) -> None:
            if status == 200:
                found.append(len(json.loads(body).get("notifications", [])))

        make = scenario.build(self.context)
        await self.load(
            server.base_url,
            make,
            concurrency=1,
            duration=10.0,
            warmup=0.0,
            max_requests=1,
            on_response=count,
        )
        return found[0] if found else None

    async def scenario(self, server: ServerProcess, scenario: Scenario) -> dict[str, Any]:
        await self.seed(server, scenario.needs_ids)
        extra: dict[str, Any] = {}
        if scenario.number == 4:
            extra["page_size"] = await self.page_size(server, scenario)
        collect = self.context.collect if scenario.collects_ids else None
        print(f"  scenario {scenario.number}: {scenario.title} ...", flush=True)
        result = await self.measure(server, scenario.build(self.context), collect)
        if scenario.number == 1:
            extra["timelines"] = await self.catch_up([server], result["load_ended"])
        await self.settle(server)
        return {
            "number": scenario.number,
            "name": scenario.name,
            "title": scenario.title,
            "available": True,
            **extra,
            **result,
        }

    # -- phases -------------------------------------------------------------------
    async def main_phase(self, report_: dict[str, Any]) -> None:
        wanted = [SCENARIOS[n] for n in self.args.scenario_list if SCENARIOS[n].main]
        server = self.sandbox("sandbox").start()
        try:
            report_["startup"]["sandbox_ready_seconds"] = round(server.ready_seconds or 0, 4)
            report_["startup"]["sandbox_status"] = server.status_body
            report_["startup"]["sandbox_idle_rss_kb"] = read_memory_kb(server.pid).get("VmRSS")
            for scenario in wanted:
                report_["scenarios"].append(await self.scenario(server, scenario))
            if self.args.profile:
                report_["profile"] = await self.profile(server, 1)
        finally:
            server.stop()
        if 7 not in self.args.scenario_list:
            return
        # its 100 services slow the start: kept out of the main sandbox's ready time
        server = self.sandbox("sandbox-keys", many_keys=True).start()
        try:
            report_["startup"]["many_keys_ready_seconds"] = round(server.ready_seconds or 0, 4)
            report_["scenarios"].append(await self.scenario(server, SCENARIOS[7]))
            if self.args.profile and report_.get("profile", {}).get("available"):
                report_["profile"].update(await self.profile(server, 7))
        finally:
            server.stop()

    async def ceiling_phase(self, report_: dict[str, Any]) -> None:
        server = self.ceiling().start()
        try:
            report_["startup"]["ceiling_ready_seconds"] = round(server.ready_seconds or 0, 4)
            print("  ceiling: bare aiohttp, canned 201 ...", flush=True)
            ceiling = await self.measure(server, sms_send)
            report_["ceiling"] = {
                "title": "bare aiohttp canned 201 (scenario 1 requests)",
                **ceiling,
            }
        finally:
            server.stop()

    async def redis_phase(self, report_: dict[str, Any]) -> None:
        scenario = SCENARIOS[6]
        base = {"number": 6, "name": scenario.name, "title": scenario.title}
        url = urlsplit(self.args.redis_url)
        if not _reachable(url.hostname or "127.0.0.1", url.port or 6379):
            report_["scenarios"].append(
                {**base, "available": False, "reason": f"no Redis at {self.args.redis_url}"}
            )
            return
        server = self.sandbox("sandbox-redis", {"SANDBOX_REDIS_URL": self.args.redis_url})
        try:
            server.start()
        except RuntimeError as error:
            reason = str(error).strip().splitlines()[-1][:300]
            report_["scenarios"].append({**base, "available": False, "reason": reason})
            return
        try:
            status = server.status_body or {}
            baseline = report_["startup"].get("sandbox_status") or {}
            if not mentions_redis(status) or status == baseline:
                reason = (
                    "the server ignores SANDBOX_REDIS_URL "
                    "(/_status reports no Redis limits backend)"
                )
                report_["scenarios"].append(
                    {**base, "available": False, "reason": reason, "status": status}
                )
                return
            print(f"  scenario 6: {scenario.title} ...", flush=True)
            result = await self.measure(server, scenario.build(self.context))
            report_["scenarios"].append({**base, "available": True, "status": status, **result})
        finally:
            server.stop()

    async def rss_phase(self, report_: dict[str, Any]) -> None:
        server = self.sandbox("sandbox-rss", IMMEDIATE_ENV).start()
        target, seconds = self.args.rss_target, self.args.rss_seconds
        print(
            f"  RSS: up to {target:,} stored test-key SMS (at most {seconds:.0f}s) ...", flush=True
        )
        try:
            database = self.workdir / "sandbox-rss" / "sandbox.db"
            report_["rss"] = await measure_rss(
                server,
                database,
                target=target,
                max_seconds=seconds,
                concurrency=self.args.concurrency,
            )
        finally:
            server.stop()

    async def profile(self, server: ServerProcess, number: int) -> dict[str, Any]:
        """py-spy under scenario 1 (the GIL holder, then all threads) or scenario 7
        (the new-token path, the GIL holder)."""
        binary = py_spy_path()
        if binary is None:
            return {
                "available": False,
                "reason": "py-spy not installed (.venv/bin/pip install py-spy)",
            }
        seconds = self.args.profile_seconds
        found: dict[str, Any] = {"available": True, "seconds": seconds}
        passes: list[tuple[str, int, Callable[[int], Request]]] = (
            [("gil", 1, sms_send), ("all", 1, sms_send)]
            if number == 1
            else [("gil", 7, new_token_send)]
        )
        for mode, number, make in passes:
            out = self.args.json.parent / f"profile-scenario{number}-{mode}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            spy = PySpy(binary, server.pid, seconds, out, gil_only=mode == "gil")
            print(f"  profile: py-spy ({mode}) on scenario {number} for {seconds}s ...", flush=True)
            spy.start()
            await self.load(
                server.base_url,
                make,
                concurrency=self.args.concurrency,
                duration=seconds,
                warmup=0.2,
            )
            ok, output = spy.finish()
            await self.settle(server)
            if not ok:
                return {"available": False, "reason": output.strip()[-500:]}
            summary = summarise_collapsed(out.read_text(errors="replace"))
            found[mode if number == 1 else f"{mode}-{number}"] = {"raw": str(out), **summary}
        return found


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            found[pid] = read_cpu_seconds(pid)
        except OSError:  # a backend that ended: its CPU is lost to the sample
            continue
    return found


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False
