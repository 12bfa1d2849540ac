"""Sample the server with py-spy while it is under load, and summarise the stacks as text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["PySpy", "py_spy_path", "summarise_collapsed"]

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
_PACKAGES = (
    ("simulator/", "simulator"),
    ("aiohttp/", "aiohttp"),
    ("jwt/", "PyJWT"),
    ("structlog/", "structlog"),
    ("multidict/", "multidict"),
    ("yarl/", "yarl"),
    ("uvloop/", "uvloop"),
    ("asyncio/", "asyncio"),
    ("concurrent/", "threads"),
    ("threading.py", "threads"),
    ("sqlite3/", "sqlite3"),
    ("json/", "json"),
    ("orjson", "orjson"),
)


def py_spy_path() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _frame_name(frame: str) -> tuple[str, str]:
    """("func (short/file.py)", file) for one collapsed frame, line numbers dropped."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip(), ""
    path = match["file"]
    short = path
    for marker in ("site-packages/", "/lib/python3", "/work/main/"):
        if marker in short:
            short = short.split(marker, 1)[1]
    short = re.sub(r"^\.\d+/", "", short)
    return f"{match['func']} ({short})", path


def _package(path: str) -> str:
    for marker, name in _PACKAGES:
        if marker in path:
            return name
    return "other" if path else "native/unknown"


_THREAD = re.compile(r"^thread \(\d+\): (?P<name>.*?)(?: \d+)?$")


def _thread_name(frame: str) -> str | None:
    match = _THREAD.match(frame.strip())
    return match["name"] if match else None


def summarise_collapsed(text: str, top: int = 25) -> dict[str, Any]:
    """Self and inclusive sample shares per function, self share per package and per thread.

    Reads py-spy's raw (collapsed) format; a leading "thread (tid): name" frame, as
    written with --threads, is counted per thread and left out of the function names.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        raw_frames = [f for f in stack.split(";") if f.strip()]
        thread = _thread_name(raw_frames[0]) if raw_frames else None
        if thread is not None:
            raw_frames = raw_frames[1:]
        frames = [_frame_name(f) for f in raw_frames]
        total += count
        threads[thread or "all"] += count
        if not frames:
            own["(no Python frame)"] += count
            packages["native/unknown"] += count
            continue
        own[frames[-1][0]] += count
        packages[_package(frames[-1][1])] += count
        for name in {name for name, _ in frames}:
            inclusive[name] += count

    def shares(counter: Counter[str], limit: int) -> list[dict[str, Any]]:
        return [
            {"name": name, "samples": n, "percent": round(100 * n / total, 1)}
            for name, n in counter.most_common(limit)
        ]

    return {
        "samples": total,
        "threads": shares(threads, 20) if total else [],
        "self": shares(own, top) if total else [],
        "inclusive": shares(inclusive, top) if total else [],
        "packages": shares(packages, len(packages)) if total else [],
    }


class PySpy:
    """`py-spy record --format raw` attached to a pid for a fixed number of seconds."""

    def __init__(
        self, binary: str, pid: int, seconds: int, out: Path, *, gil_only: bool, rate: int = 250
    ) -> None:
        """gil_only: sample only the thread holding the GIL (where Python CPU goes);
        otherwise every non-idle thread, GIL waits and the SQLite threads' C code included."""
        self.out = out
        self.command = [
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            str(rate),
            "--nonblocking",
            "--threads",
            *(["--gil"] if gil_only else []),
            "--format",
            "raw",
            "--output",
            str(out),
        ]
        self.seconds = seconds
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    def finish(self) -> tuple[bool, str]:
        assert self.process is not None
        try:
            output, _ = self.process.communicate(timeout=self.seconds + 30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate(timeout=10)
        text = output.decode(errors="replace")[-2000:]
        return self.process.returncode == 0 and self.out.exists(), text
