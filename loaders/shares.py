"""Share events as coordination tools write them: object, account, content id, share time."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from graph.queries import NamedQuery, get_query
from loaders.base import (
    Accepted,
    Duplicate,
    Item,
    Loader,
    Parsed,
    Reject,
    epoch_ms,
    open_text,
    parse_utc,
    read_csv_rows,
)
from loaders.ids import account_key, domain_of, is_hashed_id, object_key

COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")


class ObjectType(StrEnum):
    """What the shared `object_id`s are; the label their nodes get."""

    POST = "Post"
    URL = "Url"
    HASHTAG = "Hashtag"
    MEDIA = "Media"
    DOMAIN = "Domain"


class ShareEventsLoader(Loader):
    """One row per share of an object by an account in a post (`content_id`) at a time."""

    name: ClassVar[str] = "share-events"
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        "share": ("load/share_events",),
        "url_domain": ("load/url_domains",),
    }

    def __init__(self, *, platform: str = "twitter", object_type: ObjectType = ObjectType.POST):
        self.platform = platform
        self.object_type = object_type

    def parse(self, path: Path) -> Iterator[Parsed]:
        # Exact duplicates are found by an 8-byte digest per row, not the row itself.
        seen: set[bytes] = set()
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=COLUMNS):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                digest = hashlib.blake2b(
                    "\x1f".join(rec[c] for c in COLUMNS).encode(), digest_size=8
                ).digest()
                if digest in seen:
                    yield Duplicate(line)
                    continue
                seen.add(digest)
                yield self._row(line, rec)

    def _row(self, line: int, rec: dict[str, str]) -> Parsed:
        raw = ",".join(rec[c] for c in COLUMNS)
        for col in ("object_id", "account_id", "content_id"):
            if not rec[col].strip():
                return Reject(line, col, "empty id", raw)
        try:
            at = parse_utc(rec["timestamp_share"])
        except (ValueError, OverflowError, OSError) as exc:
            return Reject(line, "timestamp_share", f"not a timestamp: {exc}", raw)
        try:
            obj = object_key(self.object_type.value, self.platform, rec["object_id"])
            extra = (
                (Item("url_domain", {"url": obj, "domain": domain_of(obj)}),)
                if self.object_type is ObjectType.URL
                else ()
            )
        except ValueError as exc:
            return Reject(line, "object_id", str(exc), raw)
        account_id = rec["account_id"].strip()
        share = {
            "account_key": account_key(self.platform, account_id),
            "platform": self.platform,
            "platform_id": account_id,
            "hashed": is_hashed_id(self.platform, account_id),
            "object_key": obj,
            "content_id": rec["content_id"].strip(),
            "at_ms": epoch_ms(at),
        }
        return Accepted(line, (Item("share", share), *extra))

    def query(self, name: str) -> NamedQuery:
        q = get_query(name)
        return q.bind(object=self.object_type.value) if q.label_slots else q
