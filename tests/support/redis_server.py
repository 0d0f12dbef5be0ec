"""A real ``redis-server`` on loopback for the distributed tests and the benchmark: started on a free port,
nothing persisted, stopped with SIGTERM from its pidfile (a client's ``SHUTDOWN`` waits ~5 s on retries).

``TEMPO_REDIS_SERVER`` names another binary (a test uses a missing one to check the skip-or-fail rule).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = "install it: apt-get install redis-server"


def find_redis_server() -> tuple[str | None, str]:
    """(path, "") or (None, why not)."""
    wanted = os.environ.get("TEMPO_REDIS_SERVER") or "redis-server"
    path = shutil.which(wanted)
    if path is None:
        return None, f"no redis-server ({wanted!r} not found; {INSTALL_HINT})"
    return path, ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """``RedisServer.start(password=None)``; ``.url``, ``.port``, ``.client()``, ``.flush()``, ``.stop()``."""

    def __init__(self, binary: str, password: str | None = None) -> None:
        self.binary = binary
        self.password = password
        self.dir = Path(tempfile.mkdtemp(prefix="tempo-redis-"))
        self.port = free_port()
        self.pidfile = self.dir / "redis.pid"

    @classmethod
    def start(cls, binary: str | None = None, password: str | None = None) -> RedisServer:
        if binary is None:
            binary, why = find_redis_server()
            if binary is None:
                raise RuntimeError(why)
        server = cls(binary, password)
        server._launch()
        return server

    def _launch(self) -> None:
        cmd = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--daemonize", "yes",
               "--pidfile", str(self.pidfile), "--logfile", str(self.dir / "redis.log"), "--dir", str(self.dir),
               "--save", "", "--appendonly", "no"]
        if self.password:
            cmd += ["--requirepass", self.password]
        subprocess.run(cmd, check=True, capture_output=True, timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    if self.pidfile.exists():
                        return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}: {(self.dir / 'redis.log').read_text()}")

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self):  # noqa: ANN201 - redis.Redis, imported lazily
        from tempo_crawler.distributed.session import connect

        return connect(self.url)

    def flush(self) -> None:
        client = self.client()
        try:
            client.flushall()
        finally:
            client.close()

    def stop(self) -> None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.02)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
