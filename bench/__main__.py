"""python -m bench: the sandbox against its ceiling, scenario by scenario.

One sandbox process on a free port with a temporary data dir and bench/fixtures.yaml,
pinned to core 0 with taskset where it exists; the load generator pinned to core 1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import report
from bench.backend_phases import growth_phase, postgres_phase
from bench.load import CLIENTS
from bench.phases import GENERATOR_CPU, SERVER_CPU, Bench
from bench.scenarios import SCENARIOS
from bench.server import ROOT, core_availability, pin_self, taskset_path
from bench.targets import judge, render_targets


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, help="seconds per scenario (10; --quick 2)")
    parser.add_argument(
        "--warmup", type=float, help="warm-up seconds per scenario (2; --quick 0.5)"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="connections/workers (50)")
    parser.add_argument("--scenarios", default="1,2,3,4,5,6,7,8,9", help="comma-separated (1-9)")
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
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the server under scenarios 1 and 7"
    )
    parser.add_argument("--profile-seconds", type=int, default=10)
    parser.add_argument(
        "--client",
        choices=CLIENTS,
        default="raw",
        help="load generator: raw (default), a lean asyncio HTTP/1.1 client that leaves the "
        "server, not the generator, as the bottleneck; or aiohttp.ClientSession, which "
        "saturates its own core before the ceiling does",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement wait up to this long for other work on the host to stop",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument(
        "--replica-redis-url",
        default="redis://127.0.0.1:6379/10",
        help="the Redis the two replicas of scenario 9 share",
    )
    parser.add_argument(
        "--growth-rows",
        type=int,
        help="growth: stored notifications compared with 10,000 (1000000; --quick 30000; 0 skips)",
    )
    parser.add_argument(
        "--growth-seconds", type=float, help="growth: seconds per measurement (3; --quick 1)"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.duration = args.duration or (2.0 if quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if quick else 2.0)
    if args.rss_target is None:
        args.rss_target = 1_000_000 if args.rss_million else (5_000 if quick else 200_000)
    if args.growth_rows is None:
        args.growth_rows = 30_000 if quick else 1_000_000
    args.growth_seconds = args.growth_seconds or (1.0 if quick else 3.0)
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
    for url in (args.redis_url, args.replica_redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            parser.error("--redis-url and --replica-redis-url must point at 127.0.0.1")
    return args


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
                f"({client * 100:.0f}%) saturated its core; other processes and kernel work "
                "charged to neither took "
                f"{row.get('other_cpu_percent', 0):.0f} core-% (see --wait-quiet): "
                "trust CPU ms/req over req/s there"
            )
    return notes


_PROFILE_TITLES = {
    "gil": "scenario 1, the thread holding the GIL (where the Python CPU goes)",
    "all": "scenario 1, all non-idle threads (GIL waits and SQLite's C code included)",
    "gil-7": "scenario 7 (a new JWT per request), the thread holding the GIL",
}


def _print_profile(profile: dict[str, Any] | None) -> None:
    if not profile:
        return
    if not profile.get("available"):
        print(f"profile: not available: {profile.get('reason')}")
        return
    for mode, title in _PROFILE_TITLES.items():
        found = profile.get(mode)
        if found is None:
            continue
        print(f"\nprofile under {title}: {found['samples']} py-spy samples")
        print("  by thread: " + ", ".join(f"{t['name']} {t['percent']}%" for t in found["threads"]))
        packages = found["packages"][:8]
        print("  by package (self): " + ", ".join(f"{p['name']} {p['percent']}%" for p in packages))
        print("  top functions by self time:")
        for item in found["self"][:12]:
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
        "errors": [],
    }
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        bench = Bench(args, Path(tmp), taskset)
        phases: list[tuple[str, Callable[[dict[str, Any]], Awaitable[None]]]] = [
            ("sandbox scenarios", bench.main_phase)
        ]
        if not args.no_ceiling:
            phases.append(("ceiling", bench.ceiling_phase))
        if 6 in args.scenario_list:
            phases.append(("redis scenario", bench.redis_phase))
        if {8, 9} & set(args.scenario_list):
            phases.append(("PostgreSQL scenarios", lambda r: postgres_phase(bench, r)))
        if args.growth_rows > 0:
            phases.append(("growth", lambda r: growth_phase(bench, r)))
        if args.rss_target > 0:
            phases.append(("RSS", bench.rss_phase))
        for name, phase in phases:
            try:
                await phase(report_)
            except Exception as error:  # one broken phase must not lose the others' figures
                message = f"{name} phase failed: {type(error).__name__}: {error}"
                report_["errors"].append(message[:2000])
                print(f"  {message.splitlines()[0][:300]}", file=sys.stderr, flush=True)
    report_["core_availability"]["end"] = core_availability([SERVER_CPU, GENERATOR_CPU])
    first = next((s for s in report_["scenarios"] if s["number"] == 1), None)
    ceiling = report_.get("ceiling")
    report_["ratio"] = report_["ratio_by_cpu"] = None
    if first and ceiling and ceiling["rps"]:
        report_["ratio"] = round(first["rps"] / ceiling["rps"], 3)
        own, bare = first["server_cpu_ms_per_request"], ceiling["server_cpu_ms_per_request"]
        report_["ratio_by_cpu"] = round(bare / own, 3) if own and bare else None
    report_["warnings"] = _warnings(report_)
    report_["targets"] = judge(report_)
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
    print()
    print(render_targets(result["targets"]))
    _print_profile(result.get("profile"))
    print(f"\nJSON report: {args.json}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
