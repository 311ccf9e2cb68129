"""CrowdTangle CSV exports: pages, groups and Instagram; link shares, zones, bad rows, reload.

The fixture's header is the dashboard's historical-data export for pages, column for column.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import LoadError, ShareTally, run_load
from cibgraph.ingest.crowdtangle import CrowdTangleLoader, post_time_ms
from cibgraph.ingest.values import FieldError
from cibgraph.neo4j.db import read
from cibgraph.sharelog import ShareLog

PAGES = Path(__file__).parent / "data" / "crowdtangle_pages.csv"
NODES = (
    "RETURN COUNT { (:Page) } AS pages, COUNT { (:Group) } AS groups, "
    "COUNT { (:Account) } AS accounts, COUNT { (:Post) } AS posts, COUNT { (:Url) } AS urls, "
    "COUNT { (:Domain) } AS domains, COUNT { ()-[:SHARED]->() } AS shared, "
    "COUNT { (:Page)-[:POSTED]->(:Post) } AS posted"
)


def test_a_pages_export_loads_pages_posts_and_link_shares(db: Driver, tmp_path: Path) -> None:
    report = run_load(CrowdTangleLoader(), PAGES, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (8, 4, 3)
    assert (report.duplicates, report.skipped) == (1, 0)
    assert report.shares == {
        "url": ShareTally(events=4, repeats=1),
        "hashtag": ShareTally(events=1, repeats=0),
    }
    nodes = read(db, NODES)[0].data()
    assert nodes == {
        "pages": 3,
        "groups": 0,
        "accounts": 0,
        "posts": 4,
        "urls": 2,
        "domains": 2,
        "shared": 4,
        "posted": 4,
    }
    shares = read(
        db,
        "MATCH (p:Page)-[s:SHARED]->(o) RETURN p.key AS p, labels(o)[0] AS l, o.key AS o, "
        "s.at.epochSeconds AS t ORDER BY t, l",
    )
    assert [tuple(r.values()) for r in shares] == [
        ("facebook:333", "Url", "https://blog.example.net/p", 1614607320),  # 15:02 +0100
        ("facebook:111", "Hashtag", "vote", 1614610800),  # 10:00 EST
        ("facebook:111", "Url", "https://news.example.org/a", 1614610800),  # the Final Link
        ("facebook:222", "Url", "https://news.example.org/a", 1614610830),
    ]
    page = read(
        db,
        "MATCH (p:Page {key: 'facebook:111'}) RETURN p.name AS n, p.handle AS h, "
        "p.category AS c, p.admin_country AS a, p.platform AS pf",
    )[0].data()
    assert page == {
        "n": "Page A",
        "h": "pagea",
        "c": "News & Media Website",
        "a": "FR",
        "pf": "facebook",
    }
    # a photo post links to itself: a post, but no link share
    photo = read(
        db,
        "MATCH (:Page)-[:POSTED]->(p:Post) "
        "WHERE p.platform_id = 'https://www.facebook.com/pageb/photos/3' "
        "RETURN p.type AS t, p.text AS x, COUNT { (p)<-[:SHARED]-() } AS s",
    )[0].data()
    assert photo == {"t": "Photo", "x": "Look, a photo", "s": 0}
    with (tmp_path / "crowdtangle_pages.csv.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert [r[:2] for r in rejects] == [("5", "Post Created"), ("6", "URL"), ("10", "")]
    assert "unknown time zone 'XYZ'" in rejects[0][2]
    synced = ShareLog.for_database().sync(db)
    assert (synced.events, synced.rebuilt) == (4, False)

    again = run_load(CrowdTangleLoader(), PAGES, driver=db, rejects_dir=tmp_path)
    assert (again.rows_loaded, again.duplicates, again.rows_rejected) == (4, 1, 3)
    assert read(db, NODES)[0].data() == nodes


def test_group_and_instagram_exports(db: Driver, tmp_path: Path) -> None:
    group = tmp_path / "group.csv"
    group.write_text(
        "Group Name,User Name,Facebook Id,Members,Post Created,Type,URL,Message,Link,Final Link\n"
        "Friends of X,,444,900,2021-03-01 10:00:00 UTC,Link,https://www.facebook.com/groups/444/"
        "permalink/1,hi,https://news.example.org/a,\n"
    )
    insta = tmp_path / "insta.csv"
    insta.write_text(
        "Account,User Name,Followers at Posting,Post Created,Type,URL,Description,Link\n"
        "Some One,someone,10,2021-03-01 10:00:00 CET,Photo,https://www.instagram.com/p/abc/,"
        "#Sun,https://www.instagram.com/p/abc/\n"
    )
    assert run_load(CrowdTangleLoader(), group, driver=db, rejects_dir=tmp_path).rows_loaded == 1
    assert run_load(CrowdTangleLoader(), insta, driver=db, rejects_dir=tmp_path).rows_loaded == 1
    rows = read(
        db,
        "MATCH (a)-[:POSTED]->(p:Post) RETURN labels(a)[0] AS l, a.key AS k, a.name AS n, "
        "COUNT { (a)-[:SHARED]->() } AS s ORDER BY l",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("Account", "instagram:someone", "Some One", 1),  # #Sun in the caption
        ("Group", "facebook:444", "Friends of X", 1),
    ]


MCL_HEADER = (
    "id,creation_time,text,lang,content_type,mcl_url,surface.id,surface.type,surface.name,"
    "surface.username,post_owner.id,post_owner.type,post_owner.name,link_attachment.link,"
    "shared_post_id,statistics.share_count\n"
)


def test_a_meta_content_library_export(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "mcl.csv"
    path.write_text(
        MCL_HEADER
        + "9001,2024-03-01T10:00:00+0000,Read #Vote,en,link,https://mcl.example/9001,500,GROUP,"
        "Friends,friends,77,PROFILE,Someone,https://www.news.example.org/a?utm_source=fb,,3\n"
        + "9002,1709287230,Same,en,status,,500,GROUP,Friends,friends,78,PROFILE,Other,"
        ",9001,0\n"
        + "9003,2024-03-01T10:01:00,A page,en,link,,600,PAGE,A Page,apage,600,PAGE,A Page,"
        "https://news.example.org/a,,0\n"
        + "9004,soon,bad time,en,link,,500,GROUP,Friends,friends,79,PROFILE,X,,,0\n"
    )
    report = run_load(CrowdTangleLoader(), path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert report.shares == {
        "url": ShareTally(events=1, repeats=0),
        "post": ShareTally(events=1, repeats=0),
        "hashtag": ShareTally(events=1, repeats=0),
    }
    rows = read(
        db,
        "MATCH (g:Group)-[s:SHARED]->(o) RETURN g.key AS g, g.name AS n, s.content_id AS c, "
        "labels(o)[0] AS l, o.key AS o, s.at.epochSeconds AS t ORDER BY c, l",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("facebook:500", "Friends", "9001", "Hashtag", "vote", 1709287200),
        ("facebook:500", "Friends", "9001", "Url", "https://news.example.org/a", 1709287200),
        ("facebook:500", "Friends", "9002", "Post", "facebook:9001", 1709287230),
    ]
    with (tmp_path / "mcl.csv.rejects.csv").open() as fh:
        rejects = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(fh)]
    assert rejects[0] == (
        "4",
        "surface.type",
        "a PAGE surface in a file of Groups: split the file by surface.type",
    )
    assert rejects[1][:2] == ("5", "creation_time")
    post = read(db, "MATCH (p:Post {key: 'facebook:9001'}) RETURN p.language AS l, p.url AS u")
    assert post[0].data() == {"l": "en", "u": "https://mcl.example/9001"}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2021-03-01 10:00:00 EST", 1614610800),
        ("2021-03-01 10:00:00 edt", 1614607200),
        ("2021-03-01 16:00:00 CET", 1614610800),
        ("2021-03-01 15:00:00", 1614610800),
        ("2021-03-01 15:00 UTC", 1614610800),
        ("2021-03-01T17:00:00+02:00", 1614610800),
    ],
)
def test_post_times_with_their_zone(text: str, seconds: int) -> None:
    assert post_time_ms(text, "Post Created") == seconds * 1000


def test_a_time_without_a_known_zone_is_refused() -> None:
    with pytest.raises(FieldError, match="unknown time zone 'IST'"):
        post_time_ms("2021-03-01 10:00:00 IST", "Post Created")  # India, Israel or Ireland?


def test_a_file_that_is_no_export_writes_nothing(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,created,link\nx,2021-03-01,https://a.example.org\n")
    with pytest.raises(LoadError, match="not a CrowdTangle export; expected one of Page Name"):
        run_load(CrowdTangleLoader(), path, driver=db, rejects_dir=tmp_path)
    assert read(db, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_loads_an_export(db: Driver, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["load", "crowdtangle", str(PAGES), "--rejects-dir", str(tmp_path / "rej")]
    )
    assert result.exit_code == 2, result.output
    assert read(db, "MATCH (:Page)-[s:SHARED]->() RETURN count(s) AS n")[0]["n"] == 4
