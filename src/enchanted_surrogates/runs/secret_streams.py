"""Secrets out of the streams a run captures, whichever way the run ends.

Without secrets a program writes straight into stdout.txt/stderr.txt. With secrets its
streams go through pipes that this process redacts on the way into the files, so a file
never holds a secret, not even while the program runs or after it (or the supervisor) was
killed mid-write. Only the end of the output that could begin a secret waits for more
bytes. The worker also redacts the files of every run that did not succeed, for the runs
whose program was not started by the command runner. Files a program writes itself are
its own business.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from typing import IO, Any

from enchanted_surrogates.parsers.files import STDERR_FILE, STDOUT_FILE
from enchanted_surrogates.runs import secrets

CHUNK = 65536
# After the program's group was killed, how long to wait for the pipes to drain; only a
# process that left the group on purpose (setsid) can hold them open longer.
DRAIN_SECONDS = 10.0


def redact_file(path: str) -> None:
    """Replace secrets in a file; bytes that are not UTF-8 survive unchanged."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "surrogateescape")
    clean = secrets.redact(text)
    if clean != text:
        with open(path, "wb") as handle:
            handle.write(clean.encode("utf-8", "surrogateescape"))


def redact_streams(run_dir: str) -> None:
    """Redact the captured stdout/stderr of `run_dir`, those that exist."""
    for name in (STDOUT_FILE, STDERR_FILE):
        path = os.path.join(run_dir, name)
        if os.path.isfile(path):
            redact_file(path)


class StreamRedactor:
    """Redacts a byte stream chunk by chunk: a secret split across chunks is still found,
    because the end of the stream that could begin a secret is held back."""

    def __init__(self, values: list[str]) -> None:
        self._values = [value.encode("utf-8", "surrogateescape") for value in values]
        self._held = b""

    def feed(self, chunk: bytes) -> bytes:
        """The redacted bytes that can be written now."""
        data = self._held + chunk
        for value in self._values:
            data = data.replace(value, b"***")
        keep = self._could_begin_a_secret(data)
        self._held = data[len(data) - keep :] if keep else b""
        return data[: len(data) - keep]

    def flush(self) -> bytes:
        """What was held back, at the end of the stream (it holds no whole secret)."""
        held, self._held = self._held, b""
        return held

    def _could_begin_a_secret(self, data: bytes) -> int:
        """Length of the longest end of `data` that is the start of some secret."""
        keep = 0
        for value in self._values:
            for length in range(min(len(value) - 1, len(data)), keep, -1):
                if data.endswith(value[:length]):
                    keep = length
                    break
        return keep


def _pump(pipe: IO[bytes], path: str) -> None:
    """Copy `pipe` into the file at `path`, redacted, as the bytes arrive."""
    redactor = StreamRedactor(secrets.values())
    with pipe, open(path, "ab", buffering=0) as out:
        while chunk := os.read(pipe.fileno(), CHUNK):
            out.write(redactor.feed(chunk))
        out.write(redactor.flush())


class Capture:
    """Where a program's stdout and stderr go: `targets` for `subprocess.Popen`, then
    `started(process)` once it runs. Use it as a context manager: leaving it waits for
    the pipes to drain (the program has ended by then) and closes the files."""

    def __init__(self, run_dir: str) -> None:
        self._paths = [os.path.join(run_dir, STDOUT_FILE), os.path.join(run_dir, STDERR_FILE)]
        self._pumps: list[threading.Thread] = []
        self._files = contextlib.ExitStack()
        self.redacting = bool(secrets.values())
        self.targets: dict[str, Any] = {}

    def __enter__(self) -> Capture:
        for name, path in zip(("stdout", "stderr"), self._paths):
            handle = self._files.enter_context(open(path, "wb"))
            self.targets[name] = subprocess.PIPE if self.redacting else handle
        if self.redacting:  # the pumps write the files; this process keeps them empty
            self._files.close()
        return self

    def started(self, process: subprocess.Popen) -> None:
        """Start copying the program's pipes into the files (with secrets only)."""
        if not self.redacting:
            return
        for pipe, path in zip((process.stdout, process.stderr), self._paths):
            pump = threading.Thread(target=_pump, args=(pipe, path), daemon=True)
            pump.start()
            self._pumps.append(pump)

    def __exit__(self, *exc_info: object) -> None:
        for pump in self._pumps:
            pump.join(DRAIN_SECONDS)
        self._files.close()
