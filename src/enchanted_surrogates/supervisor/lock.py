"""One driving process per base run dir: an flock the kernel drops when its holder dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = ".enchanted.lock"


class RunDirBusy(Exception):
    """Another live process drives this base run dir."""


class RunDirLock:
    def __init__(self, base: Path) -> None:
        self.path = base / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunDirBusy(
                f"{self.path.parent} is being driven by another enchanted process "
                f"(pid {holder}); wait for it to finish or stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def driver_pid(base: Path) -> int | None:
    """The pid of the live process driving `base`, or None if none holds the lock.

    Probes with a shared lock, which conflicts with the driver's exclusive one and is
    released at once; reading the journal while a campaign runs stays safe.
    """
    path = Path(base) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        text = os.read(fd, 64).decode(errors="replace").strip()
        os.close(fd)
        return int(text) if text.isdigit() else -1
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    return None
