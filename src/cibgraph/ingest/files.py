"""Reading source files: hashing, opening plain/gzip/zip text, and streaming checked CSV records."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import sys
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from cibgraph.ingest.rows import LoadError, Reject

csv.field_size_limit(sys.maxsize)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """Open a plain, `.gz` or `.zip` (single data member) text file for streaming CSV reads."""
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".gz":
        try:
            with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
                yield fh
        except (gzip.BadGzipFile, EOFError) as exc:
            raise LoadError(f"{path}: not a readable gzip file ({exc})") from None
    elif suffix == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise LoadError(f"{path}: not a readable zip file ({exc})") from None
        with zf:
            members = [
                i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")
            ]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members) or "none"
                raise LoadError(f"{path}: expected one file inside the zip, found: {names}")
            with zf.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield fh


def data_name(path: Path) -> str:
    """The file's name without compression and format suffixes (`a_users.csv.gz` → `a_users`)."""
    name = path.name
    for suffix in (".gz", ".zip", ".csv", ".jsonl", ".json", ".tsv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read_csv_rows(
    fh: TextIO, path: Path, *, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str] | Reject]]:
    """Yield `(line, row)` for each record, or `(line, Reject)` for a record of the wrong width.

    The header is checked before anything is yielded: a missing required column, or a column
    that is neither required nor optional, raises `LoadError` naming the expected columns.
    `line` is the physical line where the record starts (records may span lines).
    """
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError(
            f"{path}: the file is empty; expected columns: {', '.join(required)}"
        ) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: cannot read the header as UTF-8 CSV ({exc})") from None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unexpected {', '.join(unknown)}")
        if len(set(header)) != len(header):
            problems.append("repeated column names")
        raise LoadError(
            f"{path}: wrong header ({'; '.join(problems)}); expected columns: "
            f"{', '.join(required)}" + (f" (optional: {', '.join(optional)})" if optional else "")
        )
    width = len(header)
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Reject(line, "", f"unreadable CSV record: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not record:
            continue  # a blank line
        if len(record) != width:
            raw = ",".join(record)
            yield start, Reject(start, "", f"{len(record)} fields, expected {width}", raw)
            continue
        yield start, dict(zip(header, record, strict=True))
