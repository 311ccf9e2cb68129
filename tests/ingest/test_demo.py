"""The demo generator: determinism, the bundle's shape, and the planted network and confounders."""

from __future__ import annotations

import csv
import hashlib
import ipaddress
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from cibgraph.ingest.base import run_load
from cibgraph.ingest.demo import (
    CAMPAIGN,
    DEFAULT_SEED,
    HEADERS,
    MANIFEST,
    STATE_CLIENT,
    WINDOW_END,
    WINDOW_START,
    Group,
    generate,
    load_demo,
)
from cibgraph.ingest.demo_posts import DemoPostsLoader
from cibgraph.ingest.shares import ObjectType, ShareEventsLoader

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
STATE_HANDLE = re.compile(r"^[A-Za-z]+\d{8}$")
RESERVED = [
    ipaddress.ip_network(n)
    for n in (
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "198.18.0.0/15",
        "100.64.0.0/10",
        "2001:db8::/32",
    )
]
SHARE_FILES = {
    "shares/posts.csv": ObjectType.POST,
    "shares/urls.csv": ObjectType.URL,
    "shares/hashtags.csv": ObjectType.HASHTAG,
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digests(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in [*HEADERS, MANIFEST]
    }


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "scale1"
    generate(out=out)
    return out


@pytest.fixture(scope="module")
def truth(bundle: Path) -> dict[tuple[str, str, str], str]:
    return {
        (r["entity_type"], r["platform"], r["entity_id"]): r["group"]
        for r in read(bundle, "truth.csv")
    }


def ids_of(truth: dict[tuple[str, str, str], str], entity_type: str, platform: str, group: Group):
    return {i for (t, p, i), g in truth.items() if (t, p, g) == (entity_type, platform, group)}


def test_same_seed_same_bytes_other_seed_other_bytes(bundle: Path, tmp_path: Path) -> None:
    generate(out=tmp_path / "again", seed=DEFAULT_SEED)
    generate(out=tmp_path / "other", seed=DEFAULT_SEED + 1)
    first, again, other = digests(bundle), digests(tmp_path / "again"), digests(tmp_path / "other")
    assert again == first
    assert [n for n in first if first[n] == other[n]] == []


def test_headers_are_exactly_the_bundle_columns(bundle: Path) -> None:
    expected = {
        "bundle/accounts.csv": "platform,id,handle,name,description,location,profile_url,"
        "created_at,"
        "followers,following,language,client",
        "bundle/pages.csv": "platform,id,name,description,created_at,followers",
        "bundle/groups.csv": "platform,id,name,description,created_at,members",
        "bundle/page_admins.csv": "platform,account_id,page_id,role",
        "bundle/group_admins.csv": "platform,account_id,group_id,role",
        "bundle/group_members.csv": "platform,account_id,group_id,joined_at",
        "bundle/follows.csv": "platform,follower_id,target_id,target_type",
        "bundle/ip_logins.csv": "platform,account_id,ip,first_seen,last_seen,count,access",
        "bundle/attributions.csv": "entity_type,platform,entity_id,campaign,note",
        "shares/posts.csv": "object_id,account_id,content_id,timestamp_share",
        "shares/urls.csv": "object_id,account_id,content_id,timestamp_share",
        "shares/hashtags.csv": "object_id,account_id,content_id,timestamp_share",
        "posts/texts.csv": "platform,account_id,post_id,timestamp,language,client,text",
        "truth.csv": "entity_type,platform,entity_id,group",
    }
    files = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert files == sorted([*expected, MANIFEST])
    for name, header in expected.items():
        with (bundle / name).open(encoding="utf-8") as fh:
            assert fh.readline() == header + "\n", name


def test_manifest_states_seed_scale_rows_and_hashes(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["seed"], manifest["scale"], manifest["campaign"]) == (
        DEFAULT_SEED,
        1.0,
        CAMPAIGN,
    )
    assert set(manifest["files"]) == set(HEADERS)
    for name, entry in manifest["files"].items():
        assert entry["rows"] == len(read(bundle, name)), name
        assert entry["columns"] == list(HEADERS[name])
        assert entry["sha256"] == hashlib.sha256((bundle / name).read_bytes()).hexdigest()
    assert manifest["truth"] == dict(Counter(r["group"] for r in read(bundle, "truth.csv")))


def test_counts_at_default_scale(bundle: Path, truth: dict[tuple[str, str, str], str]) -> None:
    state_twitter = ids_of(truth, "account", "twitter", Group.STATE)
    assert 270 <= len(state_twitter) <= 330
    assert len(ids_of(truth, "account", "facebook", Group.STATE)) == 5
    state_pages = ids_of(truth, "page", "facebook", Group.STATE)
    assert len(state_pages) == 7
    assert len(ids_of(truth, "group", "facebook", Group.STATE)) == 3
    followers = sum(
        int(p["followers"]) for p in read(bundle, "bundle/pages.csv") if p["id"] in state_pages
    )
    assert 15_000 <= followers <= 16_000
    assert 1_800 <= len(ids_of(truth, "account", "twitter", Group.ORGANIC)) <= 2_200
    for group in (Group.VPN_CGNAT, Group.VIRAL, Group.FAN):
        assert len([g for g in truth.values() if g == group]) >= 200, group
    for group, count in (
        (Group.NEWS_BOTS, 10),
        (Group.NIGHT_SHIFT, 40),
        (Group.LANGUAGE_CHANGERS, 40),
    ):
        assert len(ids_of(truth, "account", "twitter", group)) == count, group
    assert 8_000 <= len(read(bundle, "posts/texts.csv")) <= 16_000
    shares = sum(len(read(bundle, name)) for name in SHARE_FILES)
    assert 30_000 <= shares <= 80_000


def test_link_files_refer_to_existing_entities(bundle: Path) -> None:
    accounts = {(r["platform"], r["id"]) for r in read(bundle, "bundle/accounts.csv")}
    pages = {(r["platform"], r["id"]) for r in read(bundle, "bundle/pages.csv")}
    groups = {(r["platform"], r["id"]) for r in read(bundle, "bundle/groups.csv")}
    assert len(accounts) == len(read(bundle, "bundle/accounts.csv"))  # ids are unique
    assert not pages & accounts and not groups & accounts and not pages & groups
    for r in read(bundle, "bundle/page_admins.csv"):
        assert (r["platform"], r["account_id"]) in accounts and (
            r["platform"],
            r["page_id"],
        ) in pages
    for name in ("bundle/group_admins.csv", "bundle/group_members.csv"):
        for r in read(bundle, name):
            assert (r["platform"], r["account_id"]) in accounts
            assert (r["platform"], r["group_id"]) in groups
    for r in read(bundle, "bundle/follows.csv"):
        assert (r["platform"], r["follower_id"]) in accounts
        targets = accounts if r["target_type"] == "account" else pages
        assert (r["platform"], r["target_id"]) in targets, r
        assert r["follower_id"] != r["target_id"]
    for r in read(bundle, "bundle/ip_logins.csv"):
        assert (r["platform"], r["account_id"]) in accounts
    kinds = {"account": accounts, "page": pages, "group": groups}
    for r in read(bundle, "bundle/attributions.csv"):
        assert (r["platform"], r["entity_id"]) in kinds[r["entity_type"]]
    for name in SHARE_FILES:
        assert {("twitter", r["account_id"]) for r in read(bundle, name)} <= accounts
    # the platforms as the brief has them
    assert {p for p, _ in pages | groups} == {"facebook"}
    admins = read(bundle, "bundle/page_admins.csv") + read(bundle, "bundle/group_admins.csv")
    assert {r["platform"] for r in admins + read(bundle, "bundle/group_members.csv")} == {
        "facebook"
    }


def test_no_duplicate_links(bundle: Path) -> None:
    for name, key in (
        ("bundle/page_admins.csv", ("account_id", "page_id")),
        ("bundle/group_admins.csv", ("account_id", "group_id")),
        ("bundle/group_members.csv", ("account_id", "group_id")),
        ("bundle/follows.csv", ("platform", "follower_id", "target_id")),
        ("bundle/ip_logins.csv", ("platform", "account_id", "ip")),
    ):
        rows = [tuple(r[k] for k in key) for r in read(bundle, name)]
        assert len(rows) == len(set(rows)), name
    content = Counter()
    for name in SHARE_FILES:
        rows = read(bundle, name)
        # hashtags are case-insensitive: a tweet never repeats one in another case
        assert len({(r["object_id"].lower(), r["content_id"]) for r in rows}) == len(rows)
        content.update({r["content_id"]: r["account_id"] for r in rows}.items())
    # a content id (a tweet) belongs to one account, whichever file it appears in
    assert len({c for c, _ in content}) == len(content)


def test_truth_covers_every_entity_exactly_once(bundle: Path) -> None:
    rows = read(bundle, "truth.csv")
    keys = [(r["entity_type"], r["platform"], r["entity_id"]) for r in rows]
    entities = (
        [("account", r["platform"], r["id"]) for r in read(bundle, "bundle/accounts.csv")]
        + [("page", r["platform"], r["id"]) for r in read(bundle, "bundle/pages.csv")]
        + [("group", r["platform"], r["id"]) for r in read(bundle, "bundle/groups.csv")]
    )
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(entities)
    assert {r["group"] for r in rows} == {g.value for g in Group}


def test_state_accounts_share_handle_pattern_and_client(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    state = ids_of(truth, "account", "twitter", Group.STATE)
    twitter = [r for r in read(bundle, "bundle/accounts.csv") if r["platform"] == "twitter"]
    assert [
        r["handle"] for r in twitter if r["id"] in state and not STATE_HANDLE.match(r["handle"])
    ] == []
    assert {r["client"] for r in twitter if r["id"] in state} == {STATE_CLIENT}
    handles = [r["handle"].lower() for r in twitter]
    assert len(handles) == len(set(handles))
    # the pattern alone is no proof: a few organic users kept the default handle too
    others = [r for r in twitter if r["id"] not in state]
    lookalikes = sum(1 for r in others if STATE_HANDLE.match(r["handle"]))
    assert 0 < lookalikes < 0.1 * len(others)


def test_state_accounts_were_created_in_bursts(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    state = ids_of(truth, "account", "twitter", Group.STATE)
    created = [at(r["created_at"]) for r in read(bundle, "bundle/accounts.csv") if r["id"] in state]
    per_day = Counter(c.date().isoformat() for c in created)
    assert per_day["2017-08-30"] >= 90
    assert per_day["2017-08-18"] >= 90
    for day in ("2017-08-18", "2017-08-30"):
        times = [c for c in created if c.date().isoformat() == day]
        assert (max(times) - min(times)).total_seconds() <= 6 * 3600, day


def test_timestamps_are_iso_utc_and_ordered(bundle: Path) -> None:
    for name, cols in (
        ("bundle/accounts.csv", ("created_at",)),
        ("bundle/pages.csv", ("created_at",)),
        ("bundle/groups.csv", ("created_at",)),
        ("bundle/group_members.csv", ("joined_at",)),
        ("bundle/ip_logins.csv", ("first_seen", "last_seen")),
    ):
        for r in read(bundle, name):
            for c in cols:
                assert ISO_Z.match(r[c]), (name, c, r[c])
    for r in read(bundle, "bundle/ip_logins.csv"):
        assert r["first_seen"] <= r["last_seen"] and int(r["count"]) >= 1
    created = {r["id"]: r["created_at"] for r in read(bundle, "bundle/accounts.csv")}
    for r in read(bundle, "bundle/group_members.csv"):
        assert r["joined_at"] > created[r["account_id"]]
    for name in SHARE_FILES:
        for r in read(bundle, name):
            assert WINDOW_START - 3600 <= int(r["timestamp_share"]) <= WINDOW_END + 3600


def test_infrastructure(bundle: Path, truth: dict[tuple[str, str, str], str]) -> None:
    logins = read(bundle, "bundle/ip_logins.csv")
    group = {i: g for (t, _, i), g in truth.items() if t == "account"}
    users: dict[str, set[str]] = defaultdict(set)
    access: dict[str, set[str]] = defaultdict(set)
    for r in logins:
        users[r["ip"]].add(r["account_id"])
        access[r["ip"]].add(r["access"])
        address = ipaddress.ip_address(r["ip"])
        assert str(address) == r["ip"]  # written normalised
        assert any(address in net for net in RESERVED), r["ip"]
    assert {r["access"] for r in logins} == {"vpn", "unblocked", "hosting", "unknown"}
    assert all(len(a) == 1 for a in access.values())  # one address, one kind of access
    assert sum(1 for ip in users if ":" in ip) > 100  # some IPv6
    unblocked = [ip for ip in users if access[ip] == {"unblocked"}]
    assert 3 <= len(unblocked) <= 5
    assert all(
        ipaddress.ip_address(ip) in ipaddress.ip_network("203.0.113.0/24") for ip in unblocked
    )
    assert {group[a] for ip in unblocked for a in users[ip]} == {Group.STATE}
    # unblocked addresses reach twitter and facebook state accounts alike
    assert {r["platform"] for r in logins if r["ip"] in unblocked} == {"twitter", "facebook"}
    # popular VPN exits: shared by hundreds of unrelated users, and by the state network too
    crowd = {ip: Counter(group[a] for a in users[ip])[Group.VPN_CGNAT] for ip in users}
    popular = [ip for ip in users if access[ip] == {"vpn"} and crowd[ip] >= 100]
    assert len(popular) >= 4
    assert all(Group.STATE in {group[a] for a in users[ip]} for ip in popular)
    state_exits = {
        r["ip"] for r in logins if r["access"] == "vpn" and group[r["account_id"]] == "state"
    }
    only_state = [ip for ip in state_exits if {group[a] for a in users[ip]} == {Group.STATE}]
    assert len(only_state) >= 3  # and exits only the network uses
    cgnat = [
        ip for ip in users if ipaddress.ip_address(ip) in ipaddress.ip_network("100.64.0.0/10")
    ]
    assert len(cgnat) >= 3
    assert all(len(users[ip]) >= 100 for ip in cgnat)
    assert {group[a] for ip in cgnat for a in users[ip]} == {Group.VPN_CGNAT}


def test_state_network_runs_pages_and_groups(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    admins = ids_of(truth, "account", "facebook", Group.STATE)
    state_pages = ids_of(truth, "page", "facebook", Group.STATE)
    state_groups = ids_of(truth, "group", "facebook", Group.STATE)
    page_admins = read(bundle, "bundle/page_admins.csv")
    group_admins = read(bundle, "bundle/group_admins.csv")
    assert {r["role"] for r in page_admins} <= {
        "admin",
        "editor",
        "moderator",
        "advertiser",
        "analyst",
    }
    assert {r["role"] for r in group_admins} <= {"admin", "moderator"}
    run_pages = {r["page_id"] for r in page_admins if r["account_id"] in admins}
    run_groups = {r["group_id"] for r in group_admins if r["account_id"] in admins}
    assert run_pages == state_pages and run_groups == state_groups
    assert {
        r["page_id"] for r in page_admins if r["role"] == "admin" and r["account_id"] in admins
    } == state_pages
    assert {r["account_id"] for r in page_admins if r["page_id"] in state_pages} == admins


def test_state_accounts_coordinate_and_confounders_do_not_repeat(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    """CooRTweet's rule: same object, shares at most 60 s apart; count the pairs' co-shares."""
    group = {i: g for (t, _, i), g in truth.items() if t == "account"}
    pairs: Counter[tuple[str, str]] = Counter()
    for name in ("shares/posts.csv", "shares/urls.csv"):
        by_object: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for r in read(bundle, name):
            by_object[r["object_id"]].append((int(r["timestamp_share"]), r["account_id"]))
        for shares in by_object.values():
            shares.sort()
            for i, (t, a) in enumerate(shares):
                for u, b in shares[i + 1 :]:
                    if u - t > 60:
                        break
                    if a != b:
                        pairs[min(a, b), max(a, b)] += 1
    repeated = [p for p, n in pairs.items() if n >= 3]
    state_pairs = [p for p in repeated if group[p[0]] == group[p[1]] == Group.STATE]
    assert len(state_pairs) >= 2_000
    assert len(repeated) - len(state_pairs) <= 0.01 * len(state_pairs)
    # the viral waves do pair many unrelated accounts within a minute, but once
    viral = [p for p, n in pairs.items() if Group.VIRAL in (group[p[0]], group[p[1]])]
    assert len(viral) >= 2_000
    assert max(pairs[p] for p in viral) <= 2


def test_viral_waves_retweet_one_post_within_minutes_once(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    viral = ids_of(truth, "account", "twitter", Group.VIRAL)
    retweets: dict[str, list[int]] = defaultdict(list)
    per_account: Counter[str] = Counter()
    for r in read(bundle, "shares/posts.csv"):
        if r["account_id"] in viral:
            retweets[r["object_id"]].append(int(r["timestamp_share"]))
    waves = {post: times for post, times in retweets.items() if len(times) >= 50}
    assert len(waves) == 5
    for times in waves.values():
        times.sort()
        assert times[len(times) * 9 // 10] - times[0] <= 10 * 60  # 90% within ten minutes
    for r in read(bundle, "shares/posts.csv"):
        if r["object_id"] in waves:
            per_account[r["account_id"]] += 1
    assert set(per_account) == viral and set(per_account.values()) == {1}


def test_fan_community_follows_its_pages_and_each_other(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    fans = ids_of(truth, "account", "facebook", Group.FAN)
    fan_pages = ids_of(truth, "page", "facebook", Group.FAN)
    follows = read(bundle, "bundle/follows.csv")
    among = [r for r in follows if r["follower_id"] in fans and r["target_id"] in fans]
    assert len(among) >= 15 * len(fans)
    edges = {(r["follower_id"], r["target_id"]) for r in among}
    mutual = sum(1 for a, b in edges if (b, a) in edges)
    assert mutual >= 0.5 * len(edges)
    pages_followed = Counter(r["follower_id"] for r in follows if r["target_id"] in fan_pages)
    assert set(pages_followed) == fans and min(pages_followed.values()) >= 2


def test_attributions_disclose_part_of_the_network(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    rows = read(bundle, "bundle/attributions.csv")
    assert {r["campaign"] for r in rows} == {CAMPAIGN}
    assert {truth[r["entity_type"], r["platform"], r["entity_id"]] for r in rows} == {Group.STATE}
    kinds = Counter((r["entity_type"], r["platform"]) for r in rows)
    state_twitter = len(ids_of(truth, "account", "twitter", Group.STATE))
    assert kinds == {("account", "twitter"): (state_twitter + 1) // 2, ("page", "facebook"): 7}


def test_scale_two_doubles_the_rows(bundle: Path, tmp_path: Path) -> None:
    one = generate(out=tmp_path / "one", scale=1.0).rows
    two = generate(out=tmp_path / "two", scale=2.0).rows
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert one == {name: entry["rows"] for name, entry in manifest["files"].items()}
    for name in HEADERS:
        assert 1.75 <= two[name] / one[name] <= 2.25, (name, one[name], two[name])


def test_share_files_parse_without_rejects(bundle: Path, tmp_path: Path) -> None:
    for name, object_type in SHARE_FILES.items():
        report = run_load(
            ShareEventsLoader(object_type=object_type),
            bundle / name,
            driver=None,
            rejects_dir=tmp_path,
            dry_run=True,
        )
        assert (report.rows_rejected, report.duplicates) == (0, 0), name
        assert report.rows_loaded == len(read(bundle, name))


def test_small_bundle_loads_into_neo4j(db: Driver, tmp_path: Path) -> None:
    out = tmp_path / "small"
    rows = generate(out=out, scale=0.05).rows
    for name, object_type in SHARE_FILES.items():
        report = run_load(
            ShareEventsLoader(object_type=object_type),
            out / name,
            driver=db,
            rejects_dir=tmp_path / "rejects",
        )
        assert report.rows_rejected == 0
    records, _, _ = db.execute_query("MATCH (:Account)-[s:SHARED]->() RETURN count(s) AS n")
    assert records[0]["n"] == sum(rows[name] for name in SHARE_FILES)


def test_cli_generate(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "generate", "--out", str(tmp_path / "cli"), "--seed", "7", "--scale", "0.1"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "cli" / MANIFEST).read_text())
    assert (manifest["seed"], manifest["scale"]) == (7, 0.1)
    assert f"{manifest['files']['bundle/accounts.csv']['rows']:,}" in result.output
    bad = CliRunner().invoke(
        app, ["demo", "generate", "--out", str(tmp_path / "x"), "--scale", "0"]
    )
    assert bad.exit_code == 2


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale must be in"):
        generate(out=tmp_path, scale=0)


def test_load_demo_generates_once_then_loads_every_file_idempotently(
    db: Driver, tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    first = load_demo(db, out=out, scale=0.05, rejects_dir=tmp_path / "rejects")
    assert first.generated is not None and first.generated.scale == 0.05
    names = [r.path.name for r in first.reports]
    assert names[-4:] == ["posts.csv", "urls.csv", "hashtags.csv", "texts.csv"]
    assert sorted(names[:-4]) == sorted(
        Path(n).name for n in first.generated.rows if n.startswith("bundle/")
    )
    loaded = {r.path.name: r.rows_loaded + r.duplicates for r in first.reports}
    assert loaded["posts.csv"] == first.generated.rows["shares/posts.csv"]
    assert loaded["texts.csv"] == first.generated.rows["posts/texts.csv"]
    assert all(r.rows_rejected == 0 for r in first.reports)
    counts = db.execute_query("MATCH (n) RETURN count(n) AS n")[0][0]["n"]
    second = load_demo(db, out=out, scale=0.05, rejects_dir=tmp_path / "rejects")
    assert second.generated is None  # the folder already held this seed and scale
    assert [r.rows_loaded for r in second.reports] == [r.rows_loaded for r in first.reports]
    assert db.execute_query("MATCH (n) RETURN count(n) AS n")[0][0]["n"] == counts


def _texts(bundle: Path) -> list[dict[str, str]]:
    return read(bundle, "posts/texts.csv")


def test_state_texts_are_copies_and_near_copies_in_beijing_office_hours(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    state = ids_of(truth, "account", "twitter", Group.STATE)
    window = [
        r
        for r in _texts(bundle)
        if r["account_id"] in state and int(r["timestamp"]) >= WINDOW_START
    ]
    assert {r["language"] for r in window} <= {"zh-cn", "en"}
    assert {r["client"] for r in window} == {STATE_CLIENT}
    hours = Counter((int(r["timestamp"]) // 3600 + 8) % 24 for r in window)  # UTC+8
    office = sum(n for h, n in hours.items() if 9 <= h < 19)  # copies trail by minutes
    assert office / len(window) >= 0.95
    copies = Counter(r["text"] for r in window)
    assert sum(1 for n in copies.values() if n >= 3) >= 100  # one message, many copies
    near = [t for t in copies if t.startswith("转发") or t.endswith("👍")]
    assert len(near) >= 100  # and edited ones


def test_bought_accounts_change_language_client_and_hours_in_the_same_weeks(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    state = ids_of(truth, "account", "twitter", Group.STATE)
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _texts(bundle):
        if r["account_id"] in state:
            by_account[r["account_id"]].append(r)
    bought = {
        a: rows
        for a, rows in by_account.items()
        if any(int(r["timestamp"]) < WINDOW_START - 90 * 86_400 for r in rows)
    }
    assert len(bought) == 45  # the state accounts created before the bursts
    woke = []
    for rows in bought.values():
        rows.sort(key=lambda r: int(r["timestamp"]))
        old = [r for r in rows if int(r["timestamp"]) < _ts("2019-01-01")]
        new = rows[len(old) :]
        assert {r["language"] for r in old} <= {"en", "in"}
        assert STATE_CLIENT not in {r["client"] for r in old}
        assert {r["client"] for r in new} == {STATE_CLIENT}
        woke.append(int(new[0]["timestamp"]))
    assert max(woke) - min(woke) <= 21 * 86_400
    phrases = [
        r
        for rows in bought.values()
        for r in rows
        if "new owner" in r["text"] or "新主人" in r["text"]
    ]
    assert len(phrases) >= 5


def _ts(day: str) -> int:
    return int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())


def test_confounders_leave_look_alike_traces(
    bundle: Path, truth: dict[tuple[str, str, str], str]
) -> None:
    texts = _texts(bundle)
    news = ids_of(truth, "account", "twitter", Group.NEWS_BOTS)
    headlines = Counter(r["text"].rsplit(" ", 1)[0] for r in texts if r["account_id"] in news)
    assert len(headlines) == 150 and set(headlines.values()) == {len(news)}  # every bot, each
    fans = ids_of(truth, "account", "facebook", Group.FAN)
    lyrics = Counter(r["text"] for r in texts if r["account_id"] in fans)
    assert max(lyrics.values()) >= 100  # the same lines, copied
    night = ids_of(truth, "account", "twitter", Group.NIGHT_SHIFT)
    small_hours = [
        (int(r["timestamp"]) // 3600 + 8) % 24 for r in texts if r["account_id"] in night
    ]
    share = sum(1 for h in small_hours if h >= 23 or h < 5) / len(small_hours)
    assert share >= 0.6
    changers = ids_of(truth, "account", "twitter", Group.LANGUAGE_CHANGERS)
    for a in changers:
        mine = sorted(
            (int(r["timestamp"]), r["language"], r["client"]) for r in texts if r["account_id"] == a
        )
        languages = [lang for _, lang, _ in mine]
        assert languages[0] == "en" and languages[-1] == "zh-tw"
        assert len({c for _, _, c in mine}) == 1  # the same phone throughout


def test_texts_parse_without_rejects(bundle: Path, tmp_path: Path) -> None:
    report = run_load(
        DemoPostsLoader(),
        bundle / "posts/texts.csv",
        driver=None,
        rejects_dir=tmp_path,
        dry_run=True,
    )
    assert (report.rows_rejected, report.duplicates) == (0, 0)
    assert report.rows_loaded == len(_texts(bundle))
