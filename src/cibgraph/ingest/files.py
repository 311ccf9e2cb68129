"""Reading source files: checking and hashing them, opening plain, gzip or zip text, reading CSV.

`check_file` reads a file once before anything of it is written: it hashes the bytes, opens the
container (a gzip stream, the one data member of a zip, whose CRC is checked), and decodes all
of it as UTF-8, so a bad byte anywhere, a truncated gzip or a damaged zip stops the load with
its line and byte offset and nothing written (docs/bundle.md).

`read_csv_rows` streams records and resynchronises after a runaway quote: a record may span
at most `MAX_RECORD_LINES` physical lines (a quoted field may hold newlines) and may not run
to the end of the file inside a quote; one that does is rejected with its first line, and
reading starts again on the line after it, so no row vanishes into a broken field. A physical
line longer than `MAX_LINE_CHARS` is rejected without being held in memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import sys
import zipfile
import zlib
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TextIO, cast

from cibgraph.ingest.rows import LoadError, Reject

csv.field_size_limit(sys.maxsize)

MAX_RECORD_LINES = 100
MAX_LINE_CHARS = 1_000_000
MAX_RAW_CHARS = MAX_LINE_CHARS  # a reject keeps its whole line
_HEADER_SHOWN = 20  # header names quoted in an error, each cut to 40 characters


@dataclass(frozen=True)
class FileCheck:
    """What `check_file` learnt: the file's SHA-256 and how many lines its text holds."""

    sha256: str
    lines: int


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _zip_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
    if len(members) != 1:
        names = ", ".join(i.filename for i in members[:10]) or "none"
        raise LoadError(f"{path}: expected one file inside the zip, found: {names}")
    return members[0]


@contextmanager
def _open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """The file's data bytes: the file, its gzip stream, or its zip's one data member."""
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".gz":
        with gzip.open(path, "rb") as gz:
            yield cast("IO[bytes]", gz)  # a GzipFile is a binary stream
    elif suffix == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise LoadError(f"{path}: not a readable zip file ({exc})") from None
        with zf, zf.open(_zip_member(zf, path)) as member:
            yield member
    else:
        with path.open("rb") as fh:
            yield fh


def check_file(path: Path) -> FileCheck:
    """Hash the file and read all of its text as UTF-8, or raise `LoadError` saying where not."""
    digest = file_sha256(path)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = lines = 0
    try:
        with _open_bytes(path) as data:
            while chunk := data.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    at = offset + exc.start
                    line = lines + chunk.count(b"\n", 0, exc.start) + 1
                    raise LoadError(
                        f"{path}: line {line} (byte {at:,}) is not UTF-8 ({exc.reason}); "
                        "nothing was loaded: fix or re-encode the file"
                    ) from None
                lines += chunk.count(b"\n")
                offset += len(chunk)
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"{path}: the file ends inside a UTF-8 character (byte {offset + exc.start:,})"
                ) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise LoadError(f"{path}: not a readable gzip file ({exc})") from None
    except zipfile.BadZipFile as exc:
        raise LoadError(f"{path}: a damaged zip file ({exc})") from None
    return FileCheck(digest, lines)


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """Open a plain, `.gz` or `.zip` (single data member) text file for streaming CSV reads."""
    try:
        with _open_bytes(path) as data:
            yield io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise LoadError(f"{path}: not a readable gzip file ({exc})") from None
    except zipfile.BadZipFile as exc:
        raise LoadError(f"{path}: a damaged zip file ({exc})") from None
    except UnicodeDecodeError as exc:
        check_file(path)  # names the line and byte offset
        raise LoadError(f"{path}: not UTF-8 ({exc.reason}); nothing more was read") from None


@contextmanager
def open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """Open a plain, `.gz` or `.zip` file's data as bytes (for streaming parsers such as ijson).

    A UTF-8 byte order mark at the start is skipped.
    """
    try:
        with _open_bytes(path) as data:
            peek = getattr(data, "peek", None)  # files, gzip and zip members all have one
            if peek is not None and peek(3)[:3] == codecs.BOM_UTF8:
                data.read(3)
            yield data
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise LoadError(f"{path}: not a readable gzip file ({exc})") from None
    except zipfile.BadZipFile as exc:
        raise LoadError(f"{path}: a damaged zip file ({exc})") from None


def data_name(path: Path) -> str:
    """The file's name without compression and format suffixes (`a_users.csv.gz` → `a_users`)."""
    name = path.name
    for suffix in (".gz", ".zip", ".csv", ".jsonl", ".json", ".tsv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _names(names: Sequence[str]) -> str:
    shown = [n if len(n) <= 40 else n[:37] + "..." for n in names[:_HEADER_SHOWN]]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


class _Runaway(Exception):
    """A record ran past `MAX_RECORD_LINES` lines: reject its first line, replay the rest."""


class _LongLine(Exception):
    """A physical line longer than `MAX_LINE_CHARS` (read past, not held)."""

    def __init__(self, head: str) -> None:
        self.head = head


_EOL = ("\n", "\r")


class _Lines:
    """The physical lines csv.reader reads, keeping those of the record being read.

    `start` is the number of the record's first line; lines are numbered consecutively, replayed
    ones included (they are the lines right after a rejected first line).
    """

    def __init__(self, fh: TextIO) -> None:
        self._readline = fh.readline
        self.record: list[str] = []
        self.replay: deque[str] = deque()
        self.start = 1
        self.at_end = False

    def stream(self) -> Iterator[str]:
        record, replay = self.record, self.replay
        while replay:
            record.append(replay.popleft())
            if len(record) > MAX_RECORD_LINES:
                raise _Runaway
            yield record[-1]
        readline = self._readline
        for line in iter(partial(readline, MAX_LINE_CHARS), ""):
            if len(line) >= MAX_LINE_CHARS and not line.endswith(_EOL):
                while (rest := readline(MAX_LINE_CHARS)) and not rest.endswith(_EOL):
                    pass
                raise _LongLine(line[:MAX_RAW_CHARS])
            record.append(line)
            if len(record) > MAX_RECORD_LINES:
                raise _Runaway
            yield line
        self.at_end = True


def _runs_off_the_end(lines: list[str]) -> bool:
    """Whether these lines, the file's last, end inside a quoted field."""
    try:
        for _ in csv.reader(io.StringIO("".join(lines)), strict=True):
            pass
    except csv.Error:
        return True
    return False


def read_csv_rows(
    fh: TextIO,
    path: Path,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    multiline: Collection[str] | None = None,
) -> Iterator[tuple[int, dict[str, str] | Reject]]:
    """Yield `(line, row)` for each record, or `(line, Reject)` for one that cannot be read.

    The header is checked before anything is yielded: a missing required column, or a column
    that is neither required nor optional, raises `LoadError` naming the expected columns.
    `line` is the physical line where the record starts (records may span lines).
    `multiline` names the columns whose cells may hold a newline (None: any): a record that
    spans lines through any other column took its rows from a stray quote, and is handled as
    a runaway (its first line rejected, the lines after it read again).
    """
    lines = _Lines(fh)
    try:
        header = next(csv.reader(lines.stream()))
    except StopIteration:
        raise LoadError(
            f"{path}: the file is empty; expected columns: {', '.join(required)}"
        ) from None
    except _LongLine:
        raise LoadError(
            f"{path}: the header line is longer than {MAX_LINE_CHARS:,} characters; "
            f"expected columns: {', '.join(required)}"
        ) from None
    except _Runaway:
        raise LoadError(
            f"{path}: the header runs over {MAX_RECORD_LINES} lines (an unbalanced quote?); "
            f"expected columns: {', '.join(required)}"
        ) from None
    except csv.Error as exc:
        raise LoadError(f"{path}: cannot read the header as CSV ({exc})") from None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unexpected {_names(unknown)}")
        if len(set(header)) != len(header):
            problems.append("repeated column names")
        raise LoadError(
            f"{path}: wrong header ({'; '.join(problems)}); expected columns: "
            f"{', '.join(required)}" + (f" (optional: {', '.join(optional)})" if optional else "")
        )
    width = len(header)
    lines.start += len(lines.record)
    record_lines = lines.record
    while True:
        record_lines.clear()
        reader = csv.reader(lines.stream())
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except _LongLine as long:
                if record_lines:  # the record the long line broke
                    raw = "".join(record_lines)
                    yield lines.start, Reject(lines.start, "", "record cut by a long line", raw)
                    lines.start += len(record_lines)
                reason = f"line longer than {MAX_LINE_CHARS:,} characters"
                yield lines.start, Reject(lines.start, "", reason, long.head)
                lines.start += 1
                break  # a fresh reader goes on after the long line
            except _Runaway:
                yield _runaway(lines, f"runs over {MAX_RECORD_LINES} lines")
                break
            except csv.Error as exc:
                start, raw = lines.start, "".join(record_lines)
                lines.start += len(record_lines)
                yield start, Reject(start, "", f"unreadable CSV record: {exc}", raw[:MAX_RAW_CHARS])
                break
            if len(record_lines) > 1:
                if lines.at_end and _runs_off_the_end(record_lines):
                    yield _runaway(lines, "runs to the end of the file")
                    break
                if multiline is not None and _newline_outside(header, record, multiline):
                    yield _runaway(lines, "holds a newline where none belongs")
                    break
            start = lines.start
            lines.start += len(record_lines)
            record_lines.clear()
            if not record:
                continue  # a blank line
            if len(record) != width:
                raw = ",".join(record)
                yield start, Reject(start, "", f"{len(record)} fields, expected {width}", raw)
                continue
            yield start, dict(zip(header, record, strict=True))


def _newline_outside(header: list[str], record: list[str], multiline: Collection[str]) -> bool:
    return any(
        ("\n" in cell or "\r" in cell)
        for column, cell in zip(header, record, strict=False)
        if column not in multiline
    ) or len(record) != len(header)


def _runaway(lines: _Lines, how: str) -> tuple[int, Reject]:
    """Reject the first line of a runaway record; the lines after it are read again."""
    start, first = lines.start, lines.record[0]
    lines.replay.extendleft(reversed(lines.record[1:]))
    lines.start += 1
    reason = f"a quoted field {how} (an unbalanced quote?)"
    return start, Reject(start, "", reason, first.rstrip("\r\n")[:MAX_RAW_CHARS])
