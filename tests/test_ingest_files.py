"""kg.ingest.files: sources, gold files and shard manifests are read as regular files only, never past their size."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from pathlib import Path

import pytest

from kg.ingest.files import NotRegularFile, file_kind, read_regular, reason, sha256_regular


def test_a_regular_file_is_read_and_hashed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 3_000_000)
    assert read_regular(path) == b"x" * 3_000_000
    assert sha256_regular(path) == hashlib.sha256(b"x" * 3_000_000).hexdigest()


@pytest.mark.parametrize("kind", ["FIFO", "character device", "folder"])
def test_anything_but_a_regular_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.txt"
    if kind == "FIFO":
        os.mkfifo(path)
    elif kind == "character device":
        path.symlink_to("/dev/zero")  # read, it never ends
    else:
        path.mkdir()
    done = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            read_regular(path)
        except BaseException as error:  # noqa: BLE001 - looked at below
            errors.append(error)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(10), "read_regular blocked"
    (error,) = errors
    assert isinstance(error, NotRegularFile) and reason(error) == f"not a regular file ({kind})"
    with pytest.raises(NotRegularFile):
        sha256_regular(path)


def test_a_symlink_loop_and_a_name_too_long_are_os_errors_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    with pytest.raises(OSError) as loop:
        read_regular(tmp_path / "loop.txt")
    assert loop.value.errno == errno.ELOOP and reason(loop.value) == "Too many levels of symbolic links"
    with pytest.raises(OSError) as long:
        read_regular(tmp_path / ("长" * 300))
    assert long.value.errno == errno.ENAMETOOLONG and reason(long.value) == "File name too long"


def test_file_kinds() -> None:
    assert [file_kind(os.stat(p).st_mode) for p in ("/", "/dev/null", __file__)] == ["folder", "character device", "file"]
