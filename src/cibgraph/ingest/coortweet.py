"""CooRTweet's input files: its multi-object format (one row per post) and its share events.

The multi-object format (CooRTweet's example datasets, e.g. `german_elections`) has one row per
post, `account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp`, a cell empty
when the post has no such object; a post with two hashtags is two rows. CooRTweet's documented
workflow prepares one data set per object column (`prep_data`, rows without an object dropped,
`unique()` on object, account, post and time) and runs `detect_groups` on each: here each
object column becomes share events of its own object type, so detection can select them one
type at a time (`detect coordination --object-type url`, or `--per-type` for the combination).

Counting: a row is rejected (bad id or time), skipped (no object in any column), a duplicate
(the same row read before) or loaded. Per object type the load also reports share events read,
repeats (a share of the same object by the same account in the same post at the same time as an
earlier one, which is what CooRTweet's `unique()` drops; e.g. a post's URL repeated on the row
of its second hashtag) and empty cells. The older layout `object_id, account_id, content_id,
timestamp_share` is read as share events of one object type (`--object-type`, posts by default).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from cibgraph.ingest.base import LoadError, Parsed, Reject, open_text, read_csv_rows
from cibgraph.ingest.events import EventError, EventLoader, PostEvent, Shared, read_header, time_ms
from cibgraph.ingest.shares import COLUMNS as SHARE_COLUMNS
from cibgraph.ingest.shares import ObjectType

REQUIRED = ("account_id", "post_id", "timestamp")
# The object columns of the multi-object format, and the object type each becomes. Older
# versions of the example data call the image hash column image_id.
OBJECT_COLUMNS: dict[str, ObjectType] = {
    "url_id": ObjectType.URL,
    "hashtag_id": ObjectType.HASHTAG,
    "domain_id": ObjectType.DOMAIN,
    "phash_id": ObjectType.MEDIA,
    "image_id": ObjectType.MEDIA,
}


class CooRTweetLoader(EventLoader):
    """Either CooRTweet layout, told apart by the header."""

    name: ClassVar[str] = "coortweet"
    opaque_urls: ClassVar[bool] = True  # the example datasets anonymise URLs as integers

    def __init__(self, *, platform: str = "twitter", object_type: ObjectType = ObjectType.POST):
        super().__init__(platform=platform)
        self.object_type = object_type

    def parse(self, path: Path) -> Iterator[Parsed]:
        header = read_header(path)
        if set(SHARE_COLUMNS) <= set(header):
            yield from self._share_events(path)
            return
        present = [c for c in OBJECT_COLUMNS if c in header]
        if not present:
            raise LoadError(
                f"{path}: neither CooRTweet layout; expected columns: {', '.join(REQUIRED)} and "
                f"at least one of {', '.join(OBJECT_COLUMNS)}; or {', '.join(SHARE_COLUMNS)}"
            )
        columns = (*REQUIRED, *present)
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=columns):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in columns)
                try:
                    at_ms = time_ms(rec["timestamp"], "timestamp")
                except EventError as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                shared, empty = [], []
                for column in present:
                    value = rec[column].strip()
                    if value and value.upper() != "NA":  # R writes missing values as NA
                        shared.append(Shared(OBJECT_COLUMNS[column], value, column))
                    else:
                        empty.append(OBJECT_COLUMNS[column])
                event = PostEvent(
                    account_id=rec["account_id"],
                    content_id=rec["post_id"],
                    at_ms=at_ms,
                    shared=shared,
                    empty=empty,
                    fields=("account_id", "post_id"),
                )
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)

    def _share_events(self, path: Path) -> Iterator[Parsed]:
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=SHARE_COLUMNS):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in SHARE_COLUMNS)
                if not rec["object_id"].strip():
                    yield Reject(line, "object_id", "empty id", raw)
                    continue
                try:
                    at_ms = time_ms(rec["timestamp_share"], "timestamp_share")
                except EventError as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                event = PostEvent(
                    account_id=rec["account_id"],
                    content_id=rec["content_id"],
                    at_ms=at_ms,
                    shared=(Shared(self.object_type, rec["object_id"], "object_id"),),
                )
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)
