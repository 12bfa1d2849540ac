"""Run the real sandbox as a subprocess on a free port, the way a user would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import requests

__all__ = ["SandboxProcess", "free_port", "run_module"]

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_FIXTURES = ROOT / "tests" / "fixtures" / "contract.yaml"
ADMIN_TOKEN = "test-admin-token-0123456789"


def run_module(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """`python -m simulator ...` in a new interpreter, as typed in a terminal, to its end."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SandboxProcess:
    def __init__(
        self,
        data_dir: Path,
        *,
        fixtures: Path | None = CONTRACT_FIXTURES,
        env: dict[str, str] | None = None,
        port: int | None = None,
        program: Sequence[str] = (sys.executable, "-m", "simulator"),
        cwd: Path = ROOT,
        arguments: Sequence[str] = (),
    ) -> None:
        """`fixtures=None` serves the profile's default service; `program` is the command
        (another venv's `notify-sandbox`, say), run in `cwd` with `serve` and `arguments`."""
        self.data_dir = data_dir
        self.fixtures = fixtures
        self.program = tuple(program)
        self.cwd = cwd
        self.arguments = tuple(arguments)
        self.port = port or free_port()
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0, *, wait: bool = True) -> SandboxProcess:
        """Start, then (unless `wait` is false) poll /_status until it answers 200."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN,
            "SANDBOX_SIM_SENDING_DELAY": "0.2",
            "SANDBOX_SIM_DELIVERY_DELAY": "0.3",
            "SANDBOX_WORKER_POLL_SECONDS": "0.1",
            "SANDBOX_LOG_FORMAT": "json",
            **self.extra_env,
        }
        command = [
            *self.program,
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *(("--fixtures", str(self.fixtures)) if self.fixtures else ()),
            *self.arguments,
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=self.cwd, env=env, stdout=log, stderr=log)
        if wait:
            self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"{self.base_url}/_status", timeout=0.5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"sandbox not ready in {timeout}s:\n{self.log_path.read_text()}")

    def wait_for_output(self, text: str, timeout: float = 15.0) -> str:
        """What the process printed, once it holds `text` (a log file gives no other signal)."""
        deadline = time.monotonic() + timeout
        content = ""
        while time.monotonic() < deadline:
            content = self.log_path.read_text("utf-8", errors="replace")
            if text in content:
                return content
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not printed within {timeout}s:\n{content}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        self.process = None
