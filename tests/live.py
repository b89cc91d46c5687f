"""A real luyan server in a subprocess, for tests and benchmarks that need real HTTP.

``LiveServer`` starts ``uvicorn app.asgi:create_app --factory`` (one worker) on a free port
of 127.0.0.1 with a given environment, waits until ``GET /healthz`` answers and stops the
process cleanly (SIGTERM, then SIGKILL). It has no pytest dependency so ``bench/`` reuses it;
the pytest fixtures live in ``tests/live_fixtures.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLEAN_EXIT = frozenset({0, -signal.SIGTERM})


def _load_prctl() -> Callable[..., int] | None:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6", use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # resolved here: the forked child must not load libraries


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM it when the parent dies, so a killed test
    run or benchmark leaves no orphaned server behind."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LiveServerError(RuntimeError):
    """The server did not come up (its log tail is in the message)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """One uvicorn process serving luyan; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        extra_args: tuple[str, ...] = (),
        startup_timeout: float = 30.0,
        access_log: bool = False,
        inherit_luyan_env: bool = True,
    ) -> None:
        self.env = dict(env)
        self.inherit_luyan_env = inherit_luyan_env
        self.log_path = log_path
        self.extra_args = extra_args
        self.startup_timeout = startup_timeout
        self.access_log = access_log
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "app.asgi:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "5",
            "--access-log" if self.access_log else "--no-access-log",
            *self.extra_args,
        ]

    def start(self) -> str:
        # A port picked by the kernel may be grabbed by someone else before uvicorn binds it:
        # try a few times rather than fail a whole test run on that race.
        last_error: LiveServerError | None = None
        for _attempt in range(3):
            self.port = free_port()
            try:
                self._spawn()
                self._wait_ready()
                return self.base_url
            except LiveServerError as exc:
                last_error = exc
                self.stop()
                if "address already in use" not in str(exc).lower():
                    break
        assert last_error is not None
        raise last_error

    def _spawn(self) -> None:
        inherited = {
            k: v for k, v in os.environ.items() if self.inherit_luyan_env or not k.startswith("LUYAN_")
        }
        env = {**inherited, **self.env}
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal reaches pytest, not the server
                preexec_fn=_die_with_parent if _PRCTL is not None else None,
            )
        finally:
            log.close()

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        url = self.base_url + "/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LiveServerError(
                    f"luyan server exited with {self.process.returncode} during start-up:\n{self.log_tail()}"
                )
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise LiveServerError(f"luyan server not ready after {self.startup_timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (uvicorn runs the lifespan shutdown), then SIGKILL; returns the exit code.

        uvicorn re-raises the signal after a graceful shutdown, so a clean stop exits with
        ``-SIGTERM`` (see ``CLEAN_EXIT``); ``-SIGKILL`` means it had to be killed.
        """
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)
        return process.returncode

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
