"""URL normalisation: exact canonical forms, registered domains, what is refused; in a load."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.ingest.base import run_load
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader
from cibgraph.ingest.urls import is_tracking_parameter, normalise_url, registered_domain
from cibgraph.neo4j.db import read


@pytest.mark.parametrize(
    ("url", "key"),
    [
        # scheme and host case, www., default port, dot segments, fragment, trailing slash
        ("HTTP://WWW.Example.COM:80/a/../b/#top", "https://example.com/b"),
        ("http://example.com/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("http://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x/", "https://example.com:8443/x"),
        # tracking parameters go (case-blind), the rest are sorted by name, values kept
        (
            "https://news.example.org/story?utm_source=tw&UTM_Medium=social&id=7&fbclid=IwAR0",
            "https://news.example.org/story?id=7",
        ),
        ("https://example.com/p?gclid=1&igshid=2&mc_cid=3&mc_eid=4", "https://example.com/p"),
        ("https://example.com/p?b=2&a=1&a=0", "https://example.com/p?a=1&a=0&b=2"),
        ("https://example.com/p?q=a+b", "https://example.com/p?q=a%20b"),
        # the path's case is kept; credentials dropped; IDN hosts in punycode
        ("https://user:secret@Example.com/Path/", "https://example.com/Path"),
        ("https://münchen.de/straße", "https://xn--mnchen-3ya.de/stra%C3%9Fe"),
        ("https://example.com/%7Euser", "https://example.com/~user"),
        ("http://[2001:DB8::1]:8080/x", "https://[2001:db8::1]:8080/x"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_canonical_form(url: str, key: str) -> None:
    assert normalise_url(url).url == key


def test_spellings_of_one_article_are_one_key() -> None:
    spellings = [
        "https://www.news.example.org/2024/story/",
        "http://news.example.org/2024/story",
        "https://NEWS.example.org/2024/story?utm_campaign=x#comments",
        "https://news.example.org:443/2024/story/?fbclid=abc",
    ]
    assert {normalise_url(s).url for s in spellings} == {"https://news.example.org/2024/story"}


@pytest.mark.parametrize(
    ("url", "host", "domain"),
    [
        ("https://news.bbc.co.uk/x", "news.bbc.co.uk", "bbc.co.uk"),
        ("https://www.example.com", "example.com", "example.com"),
        ("https://a.b.example.com.au/", "a.b.example.com.au", "example.com.au"),
        # private suffixes count: different people publish under them
        ("https://someone.github.io/p", "someone.github.io", "someone.github.io"),
        ("https://x.blogspot.com/", "x.blogspot.com", "x.blogspot.com"),
        # no public suffix: the host is its own domain
        ("http://127.0.0.1/x", "127.0.0.1", "127.0.0.1"),
        ("http://localhost:8000/", "localhost", "localhost"),
    ],
)
def test_host_and_registered_domain(url: str, host: str, domain: str) -> None:
    normalised = normalise_url(url)
    assert (normalised.host, normalised.domain) == (host, domain)


def test_registered_domain_of_a_host() -> None:
    assert registered_domain("www.parliament.uk") == "parliament.uk"
    assert registered_domain("unknown-tld.invalidsuffix") == "unknown-tld.invalidsuffix"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "example.com/x",
        "https://",
        "https:///x",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "mailto:a@example.com",
        "",
    ],
)
def test_not_an_http_url(url: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        normalise_url(url)


def test_tracking_parameters() -> None:
    assert [is_tracking_parameter(n) for n in ("utm_id", "Fbclid", "id", "ref", "page")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_share_events_load_normalised_urls_keeping_the_original(db: Driver, tmp_path: Path) -> None:
    path = tmp_path / "urls.csv"
    path.write_text(
        "object_id,account_id,content_id,timestamp_share\n"
        "https://www.news.example.org/story/?utm_source=tw,1,c1,1600000000\n"
        "http://news.example.org/story,2,c2,1600000010\n"
        "https://news.example.org/story,3,c3,1600000020\n"
        # the first row again in another spelling: the same share, counted as a duplicate
        "https://news.example.org/story?utm_source=fb,1,c1,1600000000\n"
        "https://blog.example.co.uk/a,3,c4,1600000030\n"
    )
    loader = ShareEventsLoader(object_type=ObjectType.URL)
    report = run_load(loader, path, driver=db, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.duplicates) == (5, 4, 1)
    urls = read(
        db,
        "MATCH (u:Url)-[:ON_DOMAIN]->(d:Domain) RETURN u.key AS key, u.original_url AS original, "
        "d.key AS domain, COUNT { (u)<-[:SHARED]-() } AS shares ORDER BY key",
    )
    assert [tuple(r.values()) for r in urls] == [
        ("https://blog.example.co.uk/a", "https://blog.example.co.uk/a", "example.co.uk", 1),
        (
            "https://news.example.org/story",
            "https://www.news.example.org/story/?utm_source=tw",
            "example.org",
            3,
        ),
    ]
    originals = read(
        db,
        "MATCH (a:Account)-[s:SHARED]->(:Url) RETURN a.platform_id AS a, s.original_url AS o "
        "ORDER BY a, o",
    )
    assert [tuple(r.values()) for r in originals] == [
        ("1", "https://www.news.example.org/story/?utm_source=tw"),
        ("2", "http://news.example.org/story"),
        ("3", None),
        ("3", None),
    ]
