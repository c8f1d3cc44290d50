"""The source files of a build: the supported files (:data:`SUFFIXES`) under the given paths, in a
stable order with unique names, and a :class:`~kg.records.Problem` for each path that cannot be read."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Iterable

from kg.ingest import files
from kg.records import Problem


SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
# --------------------------------------------------------------------------- files


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Expand files and folders into ``(path, source_name)`` pairs of readable sources.

    Folders are walked recursively in sorted order, hidden files and folders skipped, unknown
    suffixes inside folders ignored.  A source's name (its ``ukg:sourceFile``, the key of its
    articles' identity) is its path relative to the folder it was found in, or the base name of a
    file named directly, with bytes that are not UTF-8 written as ``\\xNN``; when two sources would
    get the same name (``a/x.txt`` and ``b/x.txt`` given as folders ``a`` and ``b``), each is named
    by its path relative to the folder the two have in common, so no two sources share a name.
    ``path`` is the path as given (joined to its folder), for messages.  A missing path, a FIFO,
    device or symlink loop, or a directly named file with an unknown suffix is a :class:`Problem`
    (so is a FIFO, device or broken link with a source suffix inside a folder).

    >>> discover([Path("/nonexistent/x.txt")])[1][0].reason
    'no such file or directory'
    """
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path, name: str) -> None:
        try:
            key = os.path.realpath(path)
        except (OSError, ValueError):
            key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            found.append((path, name))

    def bad(path: Path, reason: str) -> None:
        problems.append(Problem(source_file=str(path), reason=reason))

    for raw in paths:
        path = Path(raw)
        kind, error = _kind(path)
        if kind == "folder":
            try:
                children = sorted(path.rglob("*"))
            except OSError as walk_error:
                bad(path, f"cannot read folder: {files.reason(walk_error)}")
                continue
            for child in children:
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or child.suffix.lower() not in SUFFIXES:
                    continue
                child_kind, child_error = _kind(child)
                if child_kind == "file":
                    add(child, rel.as_posix())
                elif child_kind != "folder":
                    bad(child, child_error or f"not a regular file ({child_kind})")
        elif kind == "file":
            if path.suffix.lower() in SUFFIXES:
                add(path, path.name)
            else:
                bad(path, _unsupported(path.suffix))
        elif error is not None:
            bad(path, error)
        else:
            bad(path, f"not a regular file ({kind})")
    names = _unique_names([name for _path, name in found], [path for path, _name in found])
    return [(path, name) for (path, _old), name in zip(found, names)], problems


def _kind(path: Path) -> tuple[str, str | None]:
    """("file" | "folder" | another kind, None) of what ``path`` is, or ("missing", a one-line reason)."""
    try:
        return files.file_kind(os.stat(path).st_mode), None
    except FileNotFoundError:
        return "missing", "no such file or directory" if not os.path.islink(path) else "broken symbolic link"
    except (OSError, ValueError) as error:  # a symlink loop, a name too long, a NUL in the name ...
        return "missing", files.reason(error) if isinstance(error, OSError) else str(error)


def _printable_name(name: str) -> str:
    """A name as text: bytes of a file name that are not UTF-8 (kept by Python as lone surrogates) as ``\\xNN``.

    >>> _printable_name("a" + b"\\xff".decode("utf-8", "surrogateescape") + ".txt")
    'a\\\\xff.txt'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _unique_names(names: list[str], paths: list[Path]) -> list[str]:
    """``names`` made printable and unique: names that clash become paths relative to the clashing files' common folder."""
    names = [_printable_name(name) for name in names]
    absolute = [os.path.abspath(path) for path in paths]
    for _round in range(4):
        clashes: dict[str, list[int]] = {}
        for k, name in enumerate(names):
            clashes.setdefault(name, []).append(k)
        groups = [group for group in clashes.values() if len(group) > 1]
        if not groups:
            return names
        for group in groups:
            common = os.path.commonpath([os.path.dirname(absolute[k]) for k in group])
            for k in group:
                names[k] = _printable_name(Path(os.path.relpath(absolute[k], common)).as_posix())
    # Still clashing (only names that differ in bytes that are not UTF-8 can): a hash of the path decides.
    counts = Counter(names)
    return [f"{name} [{hashlib.sha1(os.fsencode(path)).hexdigest()[:8]}]" if counts[name] > 1 else name
            for name, path in zip(names, absolute)]


def _unsupported(suffix: str) -> str:
    return f"unsupported file type {suffix or '(no suffix)'!r} (expected {', '.join(SUFFIXES)})"
