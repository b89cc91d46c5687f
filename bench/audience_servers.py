"""The processes ``bench_audience`` measures, and how it reads their memory and the machine's
CPU: the real app, the bare ``websockets`` baseline, ``/proc`` readings."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from bench import common
from tests.live import LiveServer, free_port


class AppServer(LiveServer):
    """The real app (``app.asgi.create_app``) with its broadcasts noted, one uvicorn worker."""

    def command(self) -> list[str]:
        return [
            "bench.audience_app:create_app" if part == "app.asgi:create_app" else part
            for part in super().command()
        ]


class BaselineServer:
    def __init__(self, log: Path, compression: bool) -> None:
        self.log, self.compression, self.port = log, compression, free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        command = [
            sys.executable,
            str(common.ROOT / "bench" / "audience_baseline.py"),
            "--port",
            str(self.port),
        ]
        command += ["--log", str(self.log), "--compression", "deflate" if self.compression else "none"]
        self.process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        if line.strip() != b"ready":
            raise RuntimeError(f"baseline server did not start: {line!r}")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 20)
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tcp_kernel_kb() -> int:
    """Memory the kernel holds for TCP buffers, machine-wide (``/proc/net/sockstat``, pages)."""
    for line in Path("/proc/net/sockstat").read_text().splitlines():
        if line.startswith("TCP:"):
            fields = line.split()
            return int(fields[fields.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    return 0


def machine_busy_s() -> float:
    """CPU seconds every core of the machine spent busy so far (``/proc/stat``)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
