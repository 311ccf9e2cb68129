"""The coordination-network-toolkit's CSV (QUT Digital Observatory): posts, reposts, replies, links.

The toolkit (1.5.2) reads `message_id, user_id, username, repost_id, reply_id, message,
timestamp, urls` with a header row: `timestamp` in seconds (decimals allowed), `urls` a
space-separated list, an empty `repost_id` / `reply_id` meaning none. Each row here becomes:

- the author's Account (its `username` as the handle) and the message itself, a Post with its
  text (what the text signals compare: copy-paste, near-duplicates);
- a repost: a share of the reposted post (`via: retweet`); nothing else, since its text, links
  and hashtags are the original's, and the toolkit likewise ignores the URLs of reposts;
- otherwise a reply: a share of the replied-to post (`via: reply`); each URL a share of the
  normalised URL (`urls.normalise_url`, a URL without a scheme read as https); each hashtag in
  the text a share of the hashtag.

An exact repeat of a row counts as a duplicate. The toolkit keeps the first row of a repeated
`message_id` and ignores the rest; here a different row with the same id is loaded and updates
its post (docs/formats.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from cibgraph.ingest.events import EventError, EventLoader, PostEvent, Shared, hashtags_in, time_ms
from cibgraph.ingest.files import open_text, read_csv_rows
from cibgraph.ingest.rows import Parsed, Reject
from cibgraph.ingest.shares import ObjectType, ShareKind
from cibgraph.ingest.values import FieldError, check_key, check_text

COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)


class QutLoader(EventLoader):
    """One row per message, in the toolkit's column order."""

    name: ClassVar[str] = "qut"
    bare_urls: ClassVar[bool] = True  # the toolkit's documentation writes `youtu.be/123`

    def parse(self, path: Path) -> Iterator[Parsed]:
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=COLUMNS, multiline=("message",)):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in COLUMNS)
                try:
                    event = self._event(rec)
                except (EventError, FieldError) as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)

    def _event(self, rec: dict[str, str]) -> PostEvent:
        at_ms = time_ms(rec["timestamp"], "timestamp")
        text = check_text(rec["message"], "message")
        repost = rec["repost_id"].strip()
        reply = rec["reply_id"].strip()
        shared: list[Shared] = []
        if repost:
            shared.append(
                Shared(
                    ObjectType.POST, check_key(repost, "repost_id"), "repost_id", ShareKind.RETWEET
                )
            )
        else:
            if reply:
                shared.append(
                    Shared(
                        ObjectType.POST, check_key(reply, "reply_id"), "reply_id", ShareKind.REPLY
                    )
                )
            shared += [
                Shared(ObjectType.URL, check_key(url, "urls"), "urls")
                for url in dict.fromkeys(rec["urls"].split())
            ]
            shared += [
                Shared(ObjectType.HASHTAG, check_key(tag, "message"), "message")
                for tag in hashtags_in(text)
            ]
        username = rec["username"].strip()
        return PostEvent(
            account_id=check_key(rec["user_id"], "user_id"),
            content_id=check_key(rec["message_id"], "message_id"),
            at_ms=at_ms,
            shared=shared,
            text=text,
            profile={"handle": check_key(username, "username")} if username else {},
            post_props={"is_retweet": bool(repost)},
            write_post=True,
            fields=("user_id", "message_id"),
        )
