"""Telegram Desktop JSON exports: exact counts, forwards, links, a damaged file, both layouts."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.telegram import TelegramLoader
from cibgraph.neo4j.db import read
from cibgraph.sharelog import ShareLog

EXPORT = Path(__file__).parent / "data" / "telegram_result.json"
NODES = (
    "RETURN COUNT { (:Account) } AS accounts, COUNT { (:Post) } AS posts, "
    "COUNT { (:Url) } AS urls, COUNT { (:Domain) } AS domains, COUNT { (:Hashtag) } AS tags, "
    "COUNT { ()-[:SHARED]->() } AS shared, COUNT { ()-[:POSTED]->() } AS posted"
)
SHARES = (
    "MATCH (a:Account)-[s:SHARED]->(o) RETURN s.content_id AS c, a.key AS a, "
    "labels(o)[0] AS label, o.key AS o, s.via AS via ORDER BY c, label, o"
)


def test_a_channel_export_loads_messages_and_share_events(db: Driver, tmp_path: Path) -> None:
    report = run_load(TelegramLoader(), EXPORT, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (10, 5, 3)
    assert (report.duplicates, report.skipped) == (1, 1)
    assert report.shares == {
        "url": ShareTally(events=4, repeats=1),
        "hashtag": ShareTally(events=2, repeats=1),
        "forward": ShareTally(events=1, repeats=0),
        "mention": ShareTally(events=2, repeats=0),
    }
    nodes = read(db, NODES)[0].data()
    assert nodes == {
        "accounts": 3,
        "posts": 6,
        "urls": 2,
        "domains": 2,
        "tags": 1,
        "shared": 7,
        "posted": 5,
    }
    original = "telegram:fwd:Other Voice:" + hashlib.sha1(b"They lie").hexdigest()[:20]
    channel = "telegram:channel1001"
    assert [tuple(r.values()) for r in read(db, SHARES)] == [
        ("1001/2", channel, "Hashtag", "ukraine", None),
        ("1001/2", channel, "Url", "https://news.example.org/a", None),
        ("1001/3", channel, "Post", original, "forward"),
        ("1001/4", channel, "Account", "telegram:othervoice", None),
        ("1001/4", channel, "Account", "telegram:user4242", None),  # a mention_name
        ("1001/4", channel, "Url", "https://news.example.org/a", None),
        ("1001/4", channel, "Url", "https://t.me/othervoice/77", None),
    ]
    posts = read(
        db,
        "MATCH (:Account)-[:POSTED]->(p:Post) RETURN p.platform_id AS id, p.text AS t, "
        "p.at.epochSeconds AS at ORDER BY id",
    )
    assert [tuple(r.values()) for r in posts] == [
        ("1001/10", "posted as the channel", 1646129100),
        ("1001/2", "Read https://www.news.example.org/a?utm_source=tg #Ukraine", 1646128800),
        ("1001/3", "They lie", 1646128860),
        ("1001/4", "See here @othervoice t.me/othervoice/77Ann", 1646128920),
        ("1001/5", "Good morning", 1646129100),
    ]
    name = read(db, f"MATCH (a:Account {{key: '{channel}'}}) RETURN a.name AS n")[0]["n"]
    assert name == "Daily Truth"
    with (tmp_path / "telegram_result.json.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"]) for r in csv.DictReader(fh)]
    assert rejects == [("6", "date"), ("7", "id"), ("8", "text_entities")]
    synced = ShareLog.for_database().sync(db)
    assert (synced.events, synced.rebuilt) == (7, False)

    again = run_load(TelegramLoader(), EXPORT, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.skipped) == (5, 1, 1)
    assert read(db, NODES)[0].data() == nodes


def test_a_whole_account_export_reads_every_chat(db: Driver, tmp_path: Path) -> None:
    def chat(chat_id: int, name: str) -> dict[str, object]:
        message = {
            "id": 1,
            "type": "message",
            "date_unixtime": "1646128800",
            "from": name,
            "from_id": f"channel{chat_id}",
            "forwarded_from": "Source",
            "text": "same words",
        }
        return {"name": name, "type": "public_channel", "id": chat_id, "messages": [message]}

    doc = {"about": "...", "chats": {"about": "...", "list": [chat(1, "A"), chat(2, "B")]}}
    path = tmp_path / "result.json.gz"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    report = run_load(TelegramLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded) == (2, 2)
    # two channels forwarding one original share one object
    rows = read(db, "MATCH (a:Account)-[:SHARED {via: 'forward'}]->(p:Post) RETURN a.key, p.key")
    assert len(rows) == 2 and len({r["p.key"] for r in rows}) == 1
    assert sorted(r["a.key"] for r in rows) == ["telegram:channel1", "telegram:channel2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (EXPORT.read_text()[:-40], "not a JSON document"),  # cut short
        ('{"name": "x", "id": 1, "list": []}', "no messages list"),
        ("[1, 2", "not a JSON document"),
    ],
)
def test_a_damaged_export_writes_nothing(
    db: Driver, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "result.json"
    path.write_text(text)
    with pytest.raises(LoadError, match=message):
        run_load(TelegramLoader(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_an_export(db: Driver, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["load", "telegram", str(EXPORT), "--rejects-dir", str(tmp_path / "rej")]
    )
    assert result.exit_code == 2, result.output
    assert "forward" in result.output
    assert read(db, "MATCH ()-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 7
