"""A PostgreSQL cluster of a test's own on a free port (Debian's binaries, run as the
``postgres`` user when the tests run as root), which the test may stop and start again."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.live import free_port

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def available() -> str:
    """Why no cluster can be started here, or '' when one can."""
    if not BINARIES or not (BINARIES[0] / "initdb").exists():
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return ""


class Cluster:
    """initdb in ``root`` (trust authentication on 127.0.0.1), then start and stop at will."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/domstadt"
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(BINARIES[0] / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120, cwd=self.root)

    @classmethod
    def standby_of(cls, primary: Cluster, root: Path) -> Cluster:
        """A streaming replica of ``primary`` (``pg_basebackup -R``), not yet started."""
        standby = cls.__new__(cls)
        standby.root, standby.data, standby.port = root, root / "data", free_port()
        standby.url = f"postgresql://postgres@127.0.0.1:{standby.port}/domstadt"
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        standby._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(standby.data), "-R", "-X", "stream", "--no-sync", "-c", "fast",
        )  # fmt: skip
        return standby

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: connections are ended; ``immediate``: like a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> None:
        """Create the database ``domstadt`` of :attr:`url`."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "domstadt")


@contextlib.contextmanager
def cluster(root: Path) -> Iterator[Cluster]:
    """A started cluster with the database ``domstadt``; stopped and removed at the end."""
    own = Cluster(root)
    own.start()
    try:
        own.create_database()
        yield own
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            own.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
