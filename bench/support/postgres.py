"""A throw-away PostgreSQL server for the benchmarks (the logic of scripts/with-postgres.sh): Debian's
postgresql in a temporary folder, on a free loopback port, without durability (fsync off); stopped and
removed by stop(). Used by bench/web.py and bench/analyse.py (a folder of its own, so that `make bench`,
which runs every bench/*.py, does not run it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Postgres:
    """A throw-away PostgreSQL cluster; FileNotFoundError when PostgreSQL is not installed."""

    def __init__(self, prefix: str = "cluster6-bench-") -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name)
        if not bins:
            raise FileNotFoundError("initdb")
        self.bin = bins[-1].parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.dir.chmod(0o755)
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres")
        self.user = "postgres" if self.root else os.environ.get("USER", "postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> None:
        self._run("initdb", "-D", f"{self.dir}/data", "-U", self.user, "-A", "trust", "-E", "UTF8")
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl", "-D", f"{self.dir}/data", "-w", "-l", f"{self.dir}/server.log", "-o", opts, "start"
        )

    def create(self, name: str) -> str:
        """Create the (empty) database `name`; its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
