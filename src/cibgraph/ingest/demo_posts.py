"""The demo's posts file (`posts/texts.csv`): posts with their text, language and client.

Columns: `platform, account_id, post_id, timestamp` (epoch seconds), `language`, `client`,
`text`; each row becomes a Post POSTED by its account, with its text for the text signals and
its language and client for the repurposed-account signal. The file is the demo generator's
own (cibgraph.ingest.demo); it loads through the shared post-event machinery
(cibgraph.ingest.events), so rows are rejected, counted and recorded as every loader's are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from cibgraph.ingest.base import Parsed, Reject, open_text, read_csv_rows
from cibgraph.ingest.events import EventError, EventLoader, PostEvent, time_ms

COLUMNS = ("platform", "account_id", "post_id", "timestamp", "language", "client", "text")


class DemoPostsLoader(EventLoader):
    """posts/texts.csv of a generated demo."""

    name: ClassVar[str] = "demo-posts"

    def parse(self, path: Path) -> Iterator[Parsed]:
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=COLUMNS, multiline={"text"}):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in COLUMNS)
                try:
                    at_ms = time_ms(rec["timestamp"], "timestamp")
                except EventError as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                props: dict[str, Any] = {}
                language = rec["language"].strip().lower()
                if language:
                    props["language"] = language
                if rec["client"].strip():
                    props["client"] = rec["client"].strip()
                text = rec["text"]
                event = PostEvent(
                    account_id=rec["account_id"],
                    content_id=rec["post_id"],
                    at_ms=at_ms,
                    text=text if text.strip() else None,
                    post_props=props,
                    write_post=True,
                    platform=rec["platform"].strip().lower() or None,
                    fields=("account_id", "post_id"),
                )
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)
