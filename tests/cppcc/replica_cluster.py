"""A PostgreSQL primary and its streaming replica, made for a test and thrown away after.

The machine's own server is left alone: ``initdb`` makes a primary on a free port (trust
auth, replication allowed from 127.0.0.1), ``pg_basebackup -R`` copies it into a replica
that streams from it on another port. As root (CI), PostgreSQL's tools run as the
``postgres`` user, as they must.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    return Path(shutil.which("initdb") or "initdb").parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    base: Path
    primary_port: int
    replica_port: int

    @property
    def primary_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/postgres"

    @property
    def replica_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(_bindir() / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> Cluster:
        primary, replica = self.base / "primary", self.base / "replica"
        self._run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale")  # fmt: skip
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\nfsync = off\n"
                "wal_level = replica\nmax_wal_senders = 4\n"
            )
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")
        self._run("pg_ctl", "-D", str(primary), "-l", str(self.base / "primary.log"), "-w", "start")
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                  "postgres", "-D", str(replica), "-R", "-X", "stream")  # fmt: skip
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.replica_port}\n")
        self._run("pg_ctl", "-D", str(replica), "-l", str(self.base / "replica.log"), "-w", "start")
        return self

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.base / name / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.base / name), "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


def make() -> Cluster:
    base = Path(tempfile.mkdtemp(prefix="cppcc-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    return Cluster(base, _port(), _port())
