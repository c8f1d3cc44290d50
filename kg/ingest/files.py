"""Reading input files without hanging or blowing up: regular files only, never more than their size.

A path named as a source, gold file or shard may be anything: a FIFO (reading blocks until a writer
comes, forever), a character device or a symlink to one (``/dev/zero`` never ends), a symlink loop,
a name too long for the file system.  :func:`read_regular` opens without blocking, checks that it is
a regular file, and reads at most the size it had when opened (a file that grows meanwhile is read as
it was); everything else is an :class:`OSError` whose :func:`reason` is one line.

Example:
    >>> read_regular(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    kg.ingest.files.NotRegularFile: [Errno 22] not a regular file (character device): '/dev/null'
    >>> reason(NotRegularFile(Path("/dev/null"), "character device"))
    'not a regular file (character device)'
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
from pathlib import Path

__all__ = ["NotRegularFile", "file_kind", "open_regular", "read_regular", "reason", "sha256_regular"]

_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder, where a file was expected."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({kind})", str(path))


def file_kind(mode: int) -> str:
    """What a ``st_mode`` is, in words ('file' for a regular file).

    >>> file_kind(os.stat("/").st_mode)
    'folder'
    """
    if stat.S_ISREG(mode):
        return "file"
    return next((kind for test, kind in _KINDS if test(mode)), "special file")


def open_regular(path: Path | str) -> tuple[int, int]:
    """``(fd, size)`` of a regular file opened for reading, without blocking on a FIFO.

    Raises :class:`NotRegularFile` for anything else, :class:`OSError` when it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, file_kind(info.st_mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_regular(path: Path | str) -> bytes:
    """The bytes of a regular file, at most as many as it had when opened.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     _ = f.write(b"abc"); f.flush()
    ...     read_regular(f.name)
    b'abc'
    """
    fd, size = open_regular(path)
    try:
        parts: list[bytes] = []
        left = size
        while left > 0:
            part = os.read(fd, min(left, 1 << 24))
            if not part:  # truncated meanwhile: what there is
                break
            parts.append(part)
            left -= len(part)
        return b"".join(parts)
    finally:
        os.close(fd)


def sha256_regular(path: Path | str) -> str:
    """SHA-256 of a regular file's first ``size`` bytes (as :func:`read_regular` reads them), in bounded memory."""
    fd, size = open_regular(path)
    digest = hashlib.sha256()
    try:
        left = size
        while left > 0:
            part = os.read(fd, min(left, 1 << 20))
            if not part:
                break
            digest.update(part)
            left -= len(part)
    finally:
        os.close(fd)
    return digest.hexdigest()


def reason(error: OSError) -> str:
    """The one-line reason of an OS error, without the file name (the caller names the file).

    >>> reason(OSError(errno.ELOOP, os.strerror(errno.ELOOP), "x"))
    'Too many levels of symbolic links'
    """
    text = error.strerror or (str(error).splitlines() or [type(error).__name__])[0]
    return " ".join(str(text).split())


def die_with_parent(signal_number: int) -> None:
    """In a child process (Linux): get ``signal_number`` when the parent dies, so a killed kg leaves
    no worker, engine or server behind (prctl PR_SET_PDEATHSIG); elsewhere nothing.

    >>> import signal
    >>> die_with_parent(signal.SIGTERM)  # in this process too: harmless, its parent outlives the test
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal_number)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
