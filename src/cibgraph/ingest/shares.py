"""Share events as coordination tools write them: object, account, content id, share time."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from cibgraph.ingest.base import Accepted, Item, Loader, Parsed, Reject
from cibgraph.ingest.files import open_text, read_csv_rows
from cibgraph.ingest.ids import account_key, is_hashed_id, object_key
from cibgraph.ingest.urls import normalise_url
from cibgraph.ingest.values import FieldError, check_key, epoch_seconds_ms
from cibgraph.neo4j.registry import NamedQuery, get_query

COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")


class ObjectType(StrEnum):
    """What the shared `object_id`s are; the label their nodes get.

    Media is any content fingerprint with an opaque id: an image's perceptual hash, a video
    id, a text hash. Account is a mentioned account (a mention is a share of that account).
    """

    POST = "Post"
    URL = "Url"
    HASHTAG = "Hashtag"
    MEDIA = "Media"
    DOMAIN = "Domain"
    ACCOUNT = "Account"


class ShareKind(StrEnum):
    """The kinds of share events detection can be restricted to (`--object-type`).

    Each is an object label and, for posts, optionally how the post was shared (the `via` of
    its SHARED edge): `post` is every share of a post, `retweet` / `reply` / `quote` /
    `forward` only those made that way.
    """

    URL = "url"
    HASHTAG = "hashtag"
    DOMAIN = "domain"
    MEDIA = "media"
    POST = "post"
    MENTION = "mention"
    RETWEET = "retweet"
    REPLY = "reply"
    QUOTE = "quote"
    FORWARD = "forward"

    @property
    def label(self) -> ObjectType:
        return _KIND_LABEL.get(self, ObjectType.POST)

    @property
    def via(self) -> str | None:
        """The SHARED edges' `via` this kind needs, or None for any."""
        return None if self in _KIND_LABEL else self.value


_KIND_LABEL = {
    ShareKind.URL: ObjectType.URL,
    ShareKind.HASHTAG: ObjectType.HASHTAG,
    ShareKind.DOMAIN: ObjectType.DOMAIN,
    ShareKind.MEDIA: ObjectType.MEDIA,
    ShareKind.POST: ObjectType.POST,
    ShareKind.MENTION: ObjectType.ACCOUNT,
}


def share_kind(label: ObjectType, via: str | None) -> ShareKind:
    """The narrowest kind a share of `label` made `via` belongs to (what load reports tally)."""
    if via is not None:
        return ShareKind(via)
    return next(k for k, v in _KIND_LABEL.items() if v is label)


class ShareEventsLoader(Loader):
    """One row per share of an object by an account in a post (`content_id`) at a time."""

    name: ClassVar[str] = "share-events"
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        "account": ("load/endpoints",),
        "object": ("load/endpoints",),
        "share": ("load/share_events",),
        "url_domain": ("load/url_domains",),
    }
    node_kinds: ClassVar[frozenset[str]] = frozenset({"account", "object"})
    endpoint_kinds: ClassVar[frozenset[str]] = node_kinds

    def __init__(self, *, platform: str = "twitter", object_type: ObjectType = ObjectType.POST):
        self.platform = platform
        self.object_type = object_type
        self._label = object_type.value
        self._prefix = account_key(platform, "x")[:-1]  # validates the platform once

    def parse(self, path: Path) -> Iterator[Parsed]:
        with open_text(path) as fh:
            # Ids and times hold no newline: a record spanning lines took them from a stray quote.
            for line, rec in read_csv_rows(fh, path, required=COLUMNS, multiline=()):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                values = (
                    rec["object_id"].strip(),
                    rec["account_id"].strip(),
                    rec["content_id"].strip(),
                    rec["timestamp_share"].strip(),
                )
                yield self._row(line, values)

    def _row(self, line: int, values: tuple[str, str, str, str]) -> Parsed:
        """One share event, or its rejection. This runs for every row, so it is kept lean."""
        object_id, account_id, content_id, timestamp = values
        try:
            for col, value in zip(COLUMNS[:3], values[:3], strict=True):
                if not value:
                    raise FieldError(col, "empty id")
                check_key(value, col)
            at_ms = epoch_seconds_ms(timestamp, "timestamp_share")
            try:
                if self.object_type is ObjectType.URL:
                    url = normalise_url(object_id)
                    obj = url.url
                    extra: tuple[Item, ...] = (
                        Item("url_domain", {"url": obj, "domain": url.domain}),
                    )
                else:
                    obj = object_key(self._label, self.platform, object_id)
                    extra = ()
            except ValueError as exc:
                raise FieldError("object_id", str(exc)) from None
        except FieldError as exc:
            return Reject(line, exc.field, exc.reason, ",".join(values))
        account = f"{self._prefix}{account_id}"
        share: dict[str, Any] = {
            "account_key": account,
            "object_key": obj,
            "content_id": content_id,
            "at_ms": at_ms,
        }
        endpoint: dict[str, Any] = {"key": obj}
        identity = "\x1f".join(values)
        if extra:  # a URL: keep the file's spelling (module urls); compare shares by the key
            endpoint["original_url"] = object_id
            share["original_url"] = None if object_id == obj else object_id
            identity = "\x1f".join((obj, *values[1:]))
        items = (
            Item(
                "account",
                {
                    "key": account,
                    "platform": self.platform,
                    "platform_id": account_id,
                    "hashed": is_hashed_id(self.platform, account_id),
                },
            ),
            Item("object", endpoint),
            Item("share", share),
            *extra,
        )
        # The row's identity makes `run_load` count an exact repeat as a duplicate.
        return Accepted(line, items, identity)

    def query(self, kind: str, name: str) -> NamedQuery:
        q = get_query(name)
        if name == "load/endpoints":
            return q.bind(node="Account" if kind == "account" else self._label)
        return q.bind(object=self._label) if q.label_slots else q
