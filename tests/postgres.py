"""A throwaway PostgreSQL server for the store tests and benchmarks/bench_store.py: Debian's
`initdb` and `pg_ctl` (package `postgresql`, which `make test` installs) in a temp folder, on a
free loopback port, TCP only, trusting local connections.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user that
Debian's package creates (through `runuser`), in a folder that user owns. `unavailable()` says
why no server can start here (the tests then skip with that reason).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "tailtalk"  # the server's superuser (initdb -U), whatever OS user runs it
RUN_AS_ROOT = "postgres"  # the OS user the server runs as when the tests run as root


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else
    wherever PATH finds them."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    found = [p.parent for p in debian]
    on_path = shutil.which("pg_ctl")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    return next((folder for folder in reversed(found) if (folder / "initdb").exists()), None)


def unavailable() -> str | None:
    """Why a test server cannot start here, or None when it can."""
    if binaries() is None:
        return (
            "PostgreSQL's initdb/pg_ctl are not installed (Debian: apt-get install postgresql; "
            "`make test` does it when run as root)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(RUN_AS_ROOT)
        except KeyError:
            return f"running as root, PostgreSQL needs a '{RUN_AS_ROOT}' user to run as"
        if shutil.which("runuser") is None:
            return "running as root, starting PostgreSQL as another user needs `runuser`"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TempPostgres:
    """`with TempPostgres() as pg: url = pg.create_database()`. `durable=False` (the tests)
    turns off fsync; the benchmark keeps PostgreSQL's defaults."""

    def __init__(self, durable: bool = False) -> None:
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        self.bin = binaries()
        self.durable = durable
        # As root, under /tmp: the server's user must reach the folder, which it may not
        # through a TMPDIR of root's.
        as_root = os.geteuid() == 0 and Path("/tmp").is_dir()
        self.root = Path(tempfile.mkdtemp(prefix="tailtalk-pg-", dir="/tmp" if as_root else None))
        self.data = self.root / "data"
        self.port = 0
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam(RUN_AS_ROOT)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", RUN_AS_ROOT, "--"]

    def __enter__(self) -> TempPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, tool: str, *args: str) -> None:
        assert self.bin is not None
        done = subprocess.run(
            [*self._as, str(self.bin / tool), *args],
            cwd=self.root,  # the server's user may not enter the caller's folder
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
        options = [
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=''",
            "max_connections=300",
        ]
        if not self.durable:
            options += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        for attempt in range(3):  # the free port may be taken before the server binds it
            self.port = _free_port()
            flags = " ".join(f"-c {o}" for o in [*options, f"port={self.port}"])
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                    "-o", flags, "-w", "-t", "60", "start",
                )  # fmt: skip
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            if self.port:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
