"""Start, pin, measure and stop one server process (the sandbox or the ceiling app)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ProcessSample",
    "ServerProcess",
    "core_availability",
    "core_usage",
    "free_port",
    "host_busy_percent",
    "pin_self",
    "read_core_times",
    "read_cpu_seconds",
    "read_memory_kb",
    "reset_peak_rss",
    "taskset_path",
    "wait_quiet",
]

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def taskset_path(enabled: bool = True) -> str | None:
    return shutil.which("taskset") if enabled else None


def pin_self(cpu: int) -> bool:
    """Pin this (load generator) process to one core; False where that is impossible."""
    try:
        if cpu not in os.sched_getaffinity(0):
            return False
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        return False
    return True


def core_availability(cpus: list[int], seconds: float = 0.5) -> dict[str, float]:
    """Share of each core a busy loop really gets (1.0 = the whole core), one core at a time.

    On a shared or oversubscribed host this is well under 1.0 even when the guest looks
    idle; requests/s scale with it, CPU-ms per request do not.
    """
    if not hasattr(os, "sched_setaffinity"):
        return {}
    original = os.sched_getaffinity(0)
    found: dict[str, float] = {}
    try:
        for cpu in cpus:
            if cpu >= (os.cpu_count() or 1):
                continue
            os.sched_setaffinity(0, {cpu})
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            deadline = wall_started + seconds
            while time.perf_counter() < deadline:
                sum(range(2000))
            wall = time.perf_counter() - wall_started
            found[f"cpu{cpu}"] = round((time.process_time() - cpu_started) / wall, 3)
    finally:
        os.sched_setaffinity(0, original)
    return found


def read_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/<pid>/stat, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        raw = handle.read()
    # the command name may hold spaces or parentheses: split after the last ")"
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # fields 14 and 15 of stat(5)


def read_memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
    return found


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so each scenario has its own peak."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def read_core_times() -> dict[str, list[int]]:
    """Per-core jiffies from /proc/stat: user nice system idle iowait irq softirq steal."""
    cores: dict[str, list[int]] = {}
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("cpu") and line[3].isdigit():
                    name, *values = line.split()
                    cores[name] = [int(v) for v in values[:8]]
    except OSError:
        pass
    return cores


def core_usage(before: dict[str, list[int]], after: dict[str, list[int]]) -> dict[str, Any]:
    """Busy and steal percentages per core between two read_core_times() samples."""
    usage: dict[str, Any] = {}
    for name, end in after.items():
        start = before.get(name)
        if start is None:
            continue
        delta = [b - a for a, b in zip(start, end, strict=True)]
        total = sum(delta) or 1
        idle = delta[3] + delta[4]
        usage[name] = {
            "busy_percent": round(100 * (total - idle - delta[7]) / total, 1),
            "steal_percent": round(100 * delta[7] / total, 1),
        }
    return usage


def host_busy_percent(seconds: float = 0.5) -> float:
    """How busy all cores are together over `seconds`, in core-percent (200 = two full cores)."""
    before = read_core_times()
    time.sleep(seconds)
    usage = core_usage(before, read_core_times())
    return round(float(sum(u["busy_percent"] for u in usage.values())), 1)


def wait_quiet(max_seconds: float, threshold: float = 15.0) -> dict[str, Any]:
    """Wait (bounded) until other work on the host uses under `threshold` core-percent."""
    started = time.perf_counter()
    busy = host_busy_percent()
    for _ in range(int(max_seconds / 0.5) + 1):
        if busy < threshold or time.perf_counter() - started >= max_seconds:
            break
        busy = host_busy_percent()
    return {
        "waited_seconds": round(time.perf_counter() - started, 1),
        "host_busy_percent": busy,
        "quiet": busy < threshold,
    }


@dataclass(slots=True)
class ProcessSample:
    cpu_seconds: float
    wall: float

    @classmethod
    def take(cls, pid: int) -> ProcessSample:
        return cls(read_cpu_seconds(pid), time.perf_counter())


@dataclass
class ServerProcess:
    """One server subprocess on 127.0.0.1, optionally pinned with `taskset -c <cpu>`."""

    name: str
    args: list[str]
    port: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    cpu: int | None = 0
    taskset: str | None = None
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float | None = None
    status_body: dict[str, Any] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pinned(self) -> bool:
        return self.taskset is not None and self.cpu is not None

    def command(self) -> list[str]:
        command = [sys.executable, *self.args]
        if self.pinned:
            # taskset execs the command, so the pid we hold is the server's own
            command = [str(self.taskset), "-c", str(self.cpu), *command]
        return command

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        with self.log_path.open("ab") as log:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=log
            )
        self.status_body = self._wait_ready(started, timeout)
        return self

    def _wait_ready(self, started: float, timeout: float) -> dict[str, Any]:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            body = self._get_status()
            if body is not None:
                self.ready_seconds = time.perf_counter() - started
                return body
            time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.log_tail()}")

    def _get_status(self) -> dict[str, Any] | None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1.0)
        try:
            connection.request("GET", "/_status")
            response = connection.getresponse()
            raw = response.read()
            if response.status != 200:
                return None
        except OSError:
            return None
        finally:
            connection.close()
        try:
            body = json.loads(raw)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
        self.process = None

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
