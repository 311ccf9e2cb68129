"""Any CSV of share events through a column mapping: which columns are account, object and time.

For files no format loader knows: `cibgraph load table FILE --account COL --object COL
--object-type url --time COL [--time-format ...] [--content COL] [--text COL]`. Each row is one
share of its object by its account at its time; other columns are ignored. The mapping is
checked before anything is read: a column the file does not have, or a time format Python
cannot read, stops the load with one line (the file's columns listed).

`--content` names the sharing post's id; without it a row's post id is a digest of its account,
object and time (`row:<sha1>`), so reloading the file finds the same shares. `--text` (which
needs `--content`) makes each row's post a Post with that text, for the text signals. A row
whose object cell is empty is skipped (counted); an exact repeat of a row's mapped cells is a
duplicate.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from cibgraph.ingest.events import EventError, EventLoader, PostEvent, Shared, read_header
from cibgraph.ingest.files import open_text, read_csv_rows
from cibgraph.ingest.rows import LoadError, Parsed, Reject, Skip
from cibgraph.ingest.shares import ObjectType
from cibgraph.ingest.values import (
    MAX_EPOCH_SECONDS,
    FieldError,
    check_key,
    check_text,
    date_time_reason,
    epoch_ms,
    parse_utc,
)

TIME_FORMATS = ("epoch", "epoch_ms", "iso")
_SAMPLE = datetime(2001, 2, 3, 4, 5, 6, 789000)


def check_time_format(time_format: str | None) -> str | None:
    """The time format if Python can read times with it; `ValueError` in one line if not.

    None: epoch seconds or ISO 8601, whichever each cell is. Otherwise `epoch`, `epoch_ms`,
    `iso`, or a `strptime` pattern such as `%Y-%m-%d %H:%M:%S` (read as UTC unless it has `%z`).
    """
    if time_format is None or time_format in TIME_FORMATS:
        return time_format
    if "%" not in time_format:
        raise ValueError(
            f"unknown time format {time_format!r}: use {', '.join(TIME_FORMATS)} or a strptime "
            "pattern such as '%Y-%m-%d %H:%M:%S'"
        )
    try:  # a pattern that cannot read back what it writes is refused now, not on every row
        datetime.strptime(_SAMPLE.strftime(time_format), time_format)
    except ValueError as exc:
        raise ValueError(f"bad time format {time_format!r}: {exc}") from None
    return time_format


def _number(text: str, field: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise FieldError(field, f"not a number: {text[:80]!r}") from None
    if not math.isfinite(number):
        raise FieldError(field, f"not a number: {text[:80]!r}")
    return number


class TableLoader(EventLoader):
    """Share events from named columns of any CSV file."""

    name: ClassVar[str] = "table"

    def __init__(
        self,
        *,
        account: str,
        object_column: str,
        object_type: ObjectType,
        time: str,
        time_format: str | None = None,
        content: str | None = None,
        text: str | None = None,
        platform: str = "twitter",
    ) -> None:
        super().__init__(platform=platform)
        if text is not None and content is None:
            raise ValueError("--text needs --content: a post's text needs the post's id")
        self.time_format = check_time_format(time_format)
        self.object_type = object_type
        self.mapping = {"account": account, "object": object_column, "time": time}
        if content is not None:
            self.mapping["content"] = content
        if text is not None:
            self.mapping["text"] = text

    def parse(self, path: Path) -> Iterator[Parsed]:
        header = read_header(path)
        named = list(dict.fromkeys(self.mapping.values()))
        missing = [c for c in named if c not in header]
        if missing:
            shown = ", ".join(h[:40] for h in header[:40]) + (" ..." if len(header) > 40 else "")
            raise LoadError(
                f"{path}: no column {', '.join(repr(c) for c in missing)} in the file; "
                f"its columns: {shown or '(none)'}"
            )
        others = [h for h in header if h not in named]
        # Newlines belong in a text and in the columns not read; an id or time holding one
        # took it from a stray quote.
        multiline = [*others, *([self.mapping["text"]] if "text" in self.mapping else [])]
        with open_text(path) as fh:
            rows = read_csv_rows(fh, path, required=named, optional=others, multiline=multiline)
            for line, rec in rows:
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in named)
                try:
                    parsed = self._row(line, rec, raw)
                except (EventError, FieldError) as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                yield parsed

    def _row(self, line: int, rec: dict[str, str], raw: str) -> Parsed:
        m = self.mapping
        value = rec[m["object"]].strip()
        if not value:
            return Skip(line, "no object")
        account = check_key(rec[m["account"]].strip(), m["account"])
        at_ms = self._time_ms(rec[m["time"]].strip(), m["time"])
        if "content" in m:
            content = check_key(rec[m["content"]].strip(), m["content"])
        else:
            digest = hashlib.sha1(
                f"{account}\x1f{value}\x1f{at_ms}".encode(), usedforsecurity=False
            )
            content = f"row:{digest.hexdigest()}"
        text = check_text(rec[m["text"]], m["text"]) if "text" in m else None
        event = PostEvent(
            account_id=account,
            content_id=content,
            at_ms=at_ms,
            shared=(Shared(self.object_type, check_key(value, m["object"]), m["object"]),),
            text=text,
            write_post=text is not None,
            fields=(m["account"], m.get("content", m["object"])),
        )
        return self.accept_or_reject(line, event, identity=raw, raw=raw)

    def _time_ms(self, text: str, field: str) -> int:
        fmt = self.time_format
        if not text:
            raise FieldError(field, "empty time")
        try:
            if fmt is None:
                return epoch_ms(parse_utc(text))
            if fmt == "epoch" or fmt == "epoch_ms":
                number = _number(text, field)
                seconds = number / 1000 if fmt == "epoch_ms" else number
                if abs(seconds) > MAX_EPOCH_SECONDS:
                    raise FieldError(field, f"out of range for {fmt}: {text[:40]}")
                return round(seconds * 1000)
            if fmt == "iso":
                if text.lstrip("-").replace(".", "", 1).isdigit():
                    raise FieldError(field, f"not an ISO 8601 date/time: {text[:80]!r}")
                return epoch_ms(parse_utc(text))
            dt = datetime.strptime(text, fmt)
            return epoch_ms(dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt)
        except (ValueError, OverflowError, OSError) as exc:
            if isinstance(exc, FieldError):
                raise
            raise FieldError(field, date_time_reason(text, exc)) from None
