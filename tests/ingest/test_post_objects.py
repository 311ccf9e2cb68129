"""Post objects are keyed on the right platform when a file mixes platforms, and `hashed` is
set only for the redacted forms of ids."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from neo4j import Driver

from cibgraph.detection.coordination import detect_coordination
from cibgraph.ingest.base import Accepted, Parsed, Reject, open_text, read_csv_rows, run_load
from cibgraph.ingest.events import EventLoader, PostEvent, Shared
from cibgraph.ingest.ids import is_hashed_id
from cibgraph.ingest.shares import ObjectType, ShareKind
from cibgraph.neo4j.db import read

COLUMNS = ("platform", "account_id", "post_id", "object_id", "via", "timestamp")


class MixedLoader(EventLoader):
    """A file whose rows name their own platform, each sharing one post object."""

    name: ClassVar[str] = "mixed-test"

    def parse(self, path: Path) -> Iterator[Parsed]:
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=COLUMNS):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                via = ShareKind(rec["via"]) if rec["via"] else None
                event = PostEvent(
                    account_id=rec["account_id"],
                    content_id=rec["post_id"],
                    at_ms=int(rec["timestamp"]) * 1000,
                    shared=(Shared(ObjectType.POST, rec["object_id"], "object_id", via),),
                    platform=rec["platform"],
                )
                yield self.accept_or_reject(line, event, identity=None, raw=str(rec))


def _keys(loader: EventLoader, event: PostEvent) -> list[str]:
    accepted = loader.accept(1, event, identity=None)
    assert isinstance(accepted, Accepted)
    return [i.row["object_key"] for i in accepted.items if i.kind == "share:Post"]


def _event(platform: str, shared: Shared) -> PostEvent:
    return PostEvent("u1", "p1", 0, shared=(shared,), platform=platform)


def test_a_post_object_is_one_object_whatever_the_sharers_platform() -> None:
    loader = MixedLoader(platform="web")
    video = Shared(ObjectType.POST, "v1", "object_id")
    assert _keys(loader, _event("twitter", video)) == ["web:v1"]
    assert _keys(loader, _event("facebook", video)) == ["web:v1"]
    # the format may name the object's own platform
    own = Shared(ObjectType.POST, "v1", "object_id", platform="YouTube")
    assert _keys(loader, _event("facebook", own)) == ["youtube:v1"]
    # a retweet, reply ... is of a post on the sharer's own platform
    rt = Shared(ObjectType.POST, "9", "object_id", ShareKind.RETWEET)
    assert _keys(loader, _event("twitter", rt)) == ["twitter:9"]
    assert _keys(loader, _event("telegram", rt)) == ["telegram:9"]


def test_cross_platform_co_shares_make_an_edge(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        t = 1_700_000_000
        for i in range(3):  # a Twitter and a Facebook account share three videos 5 s apart
            w.writerow(["twitter", "tw1", f"t{i}", f"v{i}", "", t + 1000 * i])
            w.writerow(["facebook", "fb1", f"f{i}", f"v{i}", "", t + 1000 * i + 5])
    report = run_load(MixedLoader(platform="youtube"), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_loaded, report.rows_rejected) == (6, 0)
    posts = read(db, "MATCH (p:Post) RETURN p.key AS k, p.platform AS pl ORDER BY k")
    assert [(r["k"], r["pl"]) for r in posts] == [(f"youtube:v{i}", "youtube") for i in range(3)]
    result = detect_coordination(db, time_window=60, min_participation=2)
    assert [(e.account, e.other, e.weight) for e in result.edges] == [
        ("facebook:fb1", "twitter:tw1", 3)
    ]


@pytest.mark.parametrize(
    ("platform", "native", "hashed"),
    [
        ("twitter", "1234567890", False),  # a real Twitter id
        ("twitter", "TW_123", False),  # a dataset's own numbering
        ("twitter", "fb_12", False),
        ("twitter", "some_long_handle_of_someone", False),
        ("twitter", "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", False),  # letters only
        ("twitter", "FXnPf1Wx8c7uBAhrJOy6aZqRbtYO2ayyHZ4ix5PLlOc=", True),  # the archives' form
        ("twitter", "kV1ZrFgwmMs3yXnBpk1eH0vWe9qjS5Xo6tc9Yy0h3AE", True),  # base64, no padding
        ("twitter", "5c10a1e23d788292981b40e4006f4563", True),  # hex MD5 (coordination data)
        ("twitter", "0a4d55a8d778e5022fab701977c5d840bbc486d0", True),  # hex SHA-1
        ("facebook", "5c10a1e23d788292981b40e4006f4563", False),  # only Twitter ids are hashed
    ],
)
def test_hashed_only_for_the_redacted_forms(platform: str, native: str, hashed: bool) -> None:
    assert is_hashed_id(platform, native) is hashed
