"""The machine description, the aligned table on stdout and the JSON report."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["format_table", "machine_info", "render", "write_json"]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _loop_name() -> str:
    try:
        return f"uvloop {importlib.metadata.version('uvloop')}"
    except importlib.metadata.PackageNotFoundError:
        return "asyncio"


def machine_info(*, taskset: str | None, generator_pinned: bool) -> dict[str, Any]:
    import aiohttp

    return {
        "nproc": os.cpu_count(),
        "usable_cpus": sorted(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else None,
        "cpu_model": _cpu_model(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "kernel": platform.release(),
        "aiohttp": aiohttp.__version__,
        "loop": _loop_name(),
        "taskset": taskset,
        "server_pinned": taskset is not None,
        "generator_pinned": generator_pinned,
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _align(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = [_align(headers, widths), "  ".join("-" * w for w in widths)]
    lines.extend(_align(row, widths) for row in cells)
    return "\n".join(lines)


_HEADERS = (
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "CPU ms/req",
    "req/CPU-s",
    "srv CPU",
    "peak RSS MB",
    "errors",
    "gen CPU",
)


def _percent(value: float | None) -> str | None:
    return f"{value * 100:.0f}%" if value is not None else None


def _row(label: str, result: dict[str, Any]) -> list[Any]:
    rss = result.get("server_peak_rss_kb")
    util = result.get("client_cpu_util")
    return [
        label,
        result.get("rps"),
        result.get("p50_ms"),
        result.get("p99_ms"),
        result.get("max_ms"),
        result.get("server_cpu_ms_per_request"),
        result.get("rps_per_server_cpu_second"),
        _percent(result.get("server_cpu_util")),
        round(rss / 1024, 1) if rss else None,
        result.get("errors"),
        _percent(util),
    ]


def render(report: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    notes: list[str] = []
    for result in report["scenarios"]:
        label = f"{result['number']} {result['title']}"
        if result.get("available", True):
            rows.append(_row(label, result))
        else:
            rows.append([label, "n/a", *(["-"] * (len(_HEADERS) - 2))])
            notes.append(f"scenario {result['number']}: not available: {result.get('reason')}")
    ceiling = report.get("ceiling")
    if ceiling:
        rows.append(_row("C ceiling: bare aiohttp canned 201", ceiling))
    lines = [format_table(_HEADERS, rows), ""]
    if report.get("ratio") is not None:
        lines.append(f"sandbox / ceiling (scenario 1 req/s): {report['ratio']:.2f}")
    if report.get("ratio_by_cpu") is not None:
        lines.append(
            "sandbox / ceiling (scenario 1 requests per server CPU-second): "
            f"{report['ratio_by_cpu']:.2f}"
        )
    ready = report.get("startup", {})
    if ready.get("sandbox_ready_seconds") is not None:
        lines.append(
            f"ready (process start to first 200 on /_status): sandbox "
            f"{ready['sandbox_ready_seconds'] * 1000:.0f} ms"
            + (
                f", ceiling {ready['ceiling_ready_seconds'] * 1000:.0f} ms"
                if ready.get("ceiling_ready_seconds")
                else ""
            )
        )
    rss = report.get("rss")
    if rss and rss.get("stored") is not None:
        lines.append(
            f"RSS after {rss['stored']:,} stored test-key notifications "
            f"(target {rss['target']:,}{', reached' if rss['reached'] else ', NOT reached'}"
            f" in {rss['seconds']:.0f}s): {rss['rss_kb'] / 1024:.1f} MB "
            f"(peak {rss['peak_rss_kb'] / 1024:.1f} MB, db {rss['db_mb']:.1f} MB)"
        )
    machine = report["machine"]
    lines.append(
        f"machine: {machine['nproc']} CPU {machine['cpu_model']}, Python {machine['python']}, "
        f"{machine['loop']}, taskset {'yes' if machine['taskset'] else 'no'}, "
        f"generator pinned {'yes' if machine['generator_pinned'] else 'no'}"
    )
    availability = report.get("core_availability", {})
    for when in ("start", "end"):
        if availability.get(when):
            shares = ", ".join(f"{k} {v * 100:.0f}%" for k, v in availability[when].items())
            lines.append(f"core availability at {when} (busy loop's share of a core): {shares}")
    lines.extend(notes)
    lines.extend(f"ERROR: {error.splitlines()[0][:300]}" for error in report.get("errors", []))
    lines.extend(report.get("warnings", []))
    return "\n".join(lines)


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
