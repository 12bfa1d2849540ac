"""python -m bench: the sandbox against its ceiling, scenario by scenario.

One sandbox process on a free port with a temporary data dir and bench/fixtures.yaml,
pinned to core 0 with taskset where it exists; the load generator pinned to core 1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import report
from bench.load import CLIENTS, OnResponse, Request, run_load
from bench.profile import PySpy, py_spy_path, summarise_collapsed
from bench.rss import IMMEDIATE_ENV, measure_rss
from bench.scenarios import FIXTURES, SCENARIOS, Context, Scenario, mentions_redis, sms_send
from bench.server import (
    ROOT,
    ProcessSample,
    ServerProcess,
    core_availability,
    core_usage,
    free_port,
    pin_self,
    read_core_times,
    read_cpu_seconds,
    read_memory_kb,
    reset_peak_rss,
    taskset_path,
    wait_quiet,
)

SERVER_CPU, GENERATOR_CPU = 0, 1
ADMIN_TOKEN = "bench-admin-token-0123456789"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, help="seconds per scenario (10; --quick 2)")
    parser.add_argument(
        "--warmup", type=float, help="warm-up seconds per scenario (2; --quick 0.5)"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="connections/workers (50)")
    parser.add_argument("--scenarios", default="1,2,3,4,5,6", help="comma-separated (1-6)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--quick", action="store_true", help="a short CI-friendly run")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to cores")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare aiohttp ceiling")
    parser.add_argument(
        "--rss-target", type=int, help="stored notifications (200000; --quick 5000; 0 skips)"
    )
    parser.add_argument("--rss-million", action="store_true", help="aim for 1,000,000 stored")
    parser.add_argument(
        "--rss-seconds", type=float, help="time bound of the RSS phase (300; --quick 20)"
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the server under scenario 1")
    parser.add_argument("--profile-seconds", type=int, default=10)
    parser.add_argument(
        "--client",
        choices=CLIENTS,
        default="aiohttp",
        help="load generator: aiohttp.ClientSession (default) or raw, a lean asyncio HTTP/1.1 "
        "client that leaves the server, not the generator, as the bottleneck",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement wait up to this long for other work on the host to stop",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)
    quick = args.quick
    args.duration = args.duration or (2.0 if quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if quick else 2.0)
    if args.rss_target is None:
        args.rss_target = 1_000_000 if args.rss_million else (5_000 if quick else 200_000)
    if args.rss_seconds is None:
        args.rss_seconds = 1200.0 if args.rss_million else (20.0 if quick else 300.0)
    try:
        args.scenario_list = sorted({int(s) for s in args.scenarios.split(",") if s.strip()})
    except ValueError:
        parser.error("--scenarios takes numbers such as 1,2,3")
    if not set(args.scenario_list) <= set(SCENARIOS):
        parser.error(f"--scenarios: choose from {sorted(SCENARIOS)}")
    if not 1 <= args.concurrency <= 2000 or not 0 < args.duration <= 3600:
        parser.error("--concurrency must be 1-2000 and --duration 0-3600 seconds")
    if urlsplit(args.redis_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--redis-url must point at 127.0.0.1")
    return args


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path, taskset: str | None) -> None:
        self.args = args
        self.workdir = workdir
        self.taskset = taskset
        self.context = Context()
        self.warnings: list[str] = []

    # -- processes ---------------------------------------------------------------
    def sandbox(self, name: str, env: dict[str, str] | None = None) -> ServerProcess:
        data_dir = self.workdir / name
        port = free_port()
        args = ["-m", "simulator", "serve", "--port", str(port), "--data-dir", str(data_dir)]
        return ServerProcess(
            name=name,
            args=[*args, "--fixtures", str(FIXTURES)],
            port=port,
            log_path=self.workdir / f"{name}.log",
            env={"SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, **(env or {})},
            cpu=SERVER_CPU,
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
        server: ServerProcess,
        make_request: Callable[[int], Request],
        on_response: OnResponse | None = None,
    ) -> dict[str, Any]:
        samples: dict[str, Any] = {}
        quiet = wait_quiet(self.args.wait_quiet) if self.args.wait_quiet > 0 else None

        def window_start() -> None:
            reset_peak_rss(server.pid)
            samples["start"] = ProcessSample.take(server.pid)
            samples["cores"] = read_core_times()

        def window_end() -> None:
            samples["end"] = ProcessSample.take(server.pid)
            samples["memory"] = read_memory_kb(server.pid)
            samples["cores"] = core_usage(samples["cores"], read_core_times())

        stats = await self.load(
            server.base_url,
            make_request,
            concurrency=self.args.concurrency,
            duration=self.args.duration,
            warmup=self.args.warmup,
            on_response=on_response,
            on_window_start=window_start,
            on_window_end=window_end,
        )
        result = stats.summary()
        start, end = samples["start"], samples["end"]
        cpu = end.cpu_seconds - start.cpu_seconds
        wall = end.wall - start.wall
        result["server_cpu_ms_per_request"] = (
            round(cpu * 1000 / stats.requests, 3) if stats.requests else None
        )
        result["server_cpu_util"] = round(cpu / wall, 3) if wall > 0 else None
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

    async def load(self, *args: Any, **kwargs: Any) -> Any:
        return await run_load(*args, client=self.args.client, **kwargs)

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
            import json

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
        wanted = [SCENARIOS[n] for n in self.args.scenario_list if not SCENARIOS[n].redis]
        server = self.sandbox("sandbox").start()
        try:
            report_["startup"]["sandbox_ready_seconds"] = round(server.ready_seconds or 0, 4)
            report_["startup"]["sandbox_status"] = server.status_body
            report_["startup"]["sandbox_idle_rss_kb"] = read_memory_kb(server.pid).get("VmRSS")
            for scenario in wanted:
                report_["scenarios"].append(await self.scenario(server, scenario))
            if self.args.profile:
                report_["profile"] = await self.profile(server)
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

    async def profile(self, server: ServerProcess) -> dict[str, Any]:
        binary = py_spy_path()
        if binary is None:
            return {
                "available": False,
                "reason": "py-spy not installed (.venv/bin/pip install py-spy)",
            }
        seconds = self.args.profile_seconds
        out = self.args.json.parent / "profile-scenario1.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        spy = PySpy(binary, server.pid, seconds, out)
        print(f"  profile: py-spy on scenario 1 for {seconds}s ...", flush=True)
        spy.start()
        await self.load(
            server.base_url,
            sms_send,
            concurrency=self.args.concurrency,
            duration=seconds,
            warmup=0.2,
        )
        ok, output = spy.finish()
        await self.settle(server)
        if not ok:
            return {"available": False, "reason": output.strip()[-500:]}
        summary = summarise_collapsed(out.read_text(errors="replace"))
        return {"available": True, "raw": str(out), "seconds": seconds, **summary}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _warnings(report_: dict[str, Any]) -> list[str]:
    notes = []
    rows = [*report_["scenarios"], *([report_["ceiling"]] if report_.get("ceiling") else [])]
    for row in rows:
        if not row.get("available", True):
            continue
        label = row.get("number", "ceiling")
        client, server = row.get("client_cpu_util") or 0, row.get("server_cpu_util") or 0
        if client >= 0.9:
            notes.append(
                f"note: the load generator used {client * 100:.0f}% of its core in {label}; "
                "there req/s is a floor for the server, not its limit (try --client raw)"
            )
        elif server < 0.8:
            notes.append(
                f"note: in {label} neither the server ({server * 100:.0f}%) nor the generator "
                f"({client * 100:.0f}%) saturated its core; other work on the host took "
                f"{row.get('other_cpu_percent', 0):.0f} core-% (see --wait-quiet): "
                "trust CPU ms/req over req/s there"
            )
    return notes


def _print_profile(profile: dict[str, Any] | None) -> None:
    if not profile:
        return
    if not profile.get("available"):
        print(f"profile: not available: {profile.get('reason')}")
        return
    print(f"\nprofile of the server under scenario 1 ({profile['samples']} samples, py-spy):")
    threads = profile.get("threads", [])
    print("  by thread: " + ", ".join(f"{t['name']} {t['percent']}%" for t in threads))
    print(
        "  by package (self): "
        + ", ".join(f"{p['name']} {p['percent']}%" for p in profile["packages"][:8])
    )
    print("  top functions by self time:")
    for item in profile["self"][:15]:
        print(f"    {item['percent']:5.1f}%  {item['name']}")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    availability = core_availability([SERVER_CPU, GENERATOR_CPU])
    taskset = None if args.no_pin else taskset_path()
    pinned = False if args.no_pin or taskset is None else pin_self(GENERATOR_CPU)
    if taskset is not None and not pinned:
        taskset = None  # one usable core: pinning both to it would measure nothing useful
    report_: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {
            "duration": args.duration,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "quick": args.quick,
            "client": args.client,
            "wait_quiet": args.wait_quiet,
            "scenarios": args.scenario_list,
            "server_cpu": SERVER_CPU if taskset else None,
            "generator_cpu": GENERATOR_CPU if pinned else None,
            "server_env": "defaults (SANDBOX_SIM_* delays 1s/2s); RSS phase uses 0/0",
        },
        "machine": report.machine_info(taskset=taskset, generator_pinned=pinned),
        "startup": {},
        "core_availability": {"start": availability},
        "scenarios": [],
    }
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        bench = Bench(args, Path(tmp), taskset)
        await bench.main_phase(report_)
        if not args.no_ceiling:
            await bench.ceiling_phase(report_)
        if 6 in args.scenario_list:
            await bench.redis_phase(report_)
        if args.rss_target > 0:
            await bench.rss_phase(report_)
    report_["core_availability"]["end"] = core_availability([SERVER_CPU, GENERATOR_CPU])
    first = next((s for s in report_["scenarios"] if s["number"] == 1), None)
    ceiling = report_.get("ceiling")
    report_["ratio"] = report_["ratio_by_cpu"] = None
    if first and ceiling and ceiling["rps"]:
        report_["ratio"] = round(first["rps"] / ceiling["rps"], 3)
        own, bare = first["server_cpu_ms_per_request"], ceiling["server_cpu_ms_per_request"]
        report_["ratio_by_cpu"] = round(bare / own, 3) if own and bare else None
    report_["warnings"] = _warnings(report_)
    return report_


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    started = time.perf_counter()
    print(
        f"notify-sandbox bench: {args.duration:g}s per scenario, {args.concurrency} connections,"
        f" {args.client} client",
        flush=True,
    )
    result = asyncio.run(run(args))
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    report.write_json(args.json, result)
    print()
    print(report.render(result))
    _print_profile(result.get("profile"))
    print(f"\nJSON report: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
