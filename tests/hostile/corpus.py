"""A generated corpus of malformed and awkward input files for every loader, with what each must do.

Each `Case` is one file: the loader it goes to, its name and bytes (built here, never checked in),
and the expected outcome: either a one-line error with nothing written, or a finished load
with exact counts (read, loaded, rejected, duplicates, skipped) and the nodes it leaves.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

SHARES_HEADER = "object_id,account_id,content_id,timestamp_share\n"
ACCOUNTS_HEADER = "platform,id,handle,name,followers,created_at\n"
ACCOUNTS_TEXT_HEADER = "platform,id,description\n"
IP_HEADER = "platform,account_id,ip,first_seen,last_seen,count,access\n"
USERS_COLUMNS = (
    "userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,"
    "user_profile_url,follower_count,following_count,account_creation_date,account_language"
)
TWEET_COLUMNS = (
    "tweetid," + USERS_COLUMNS + ",tweet_language,tweet_text,tweet_time,tweet_client_name,"
    "in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,"
    "retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,"
    "hashtags,urls,user_mentions,poll_choices"
)


@dataclass(frozen=True)
class Outcome:
    """What a load of the case must end with."""

    error: str | None = None  # a substring of the one-line error; None: the load finishes
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    nodes: dict[str, int] = field(default_factory=dict)  # label → count after the load

    @property
    def exit_code(self) -> int:
        return 1 if self.error is not None else 2 if self.rejected else 0


@dataclass(frozen=True)
class Case:
    name: str
    loader: str  # the `cibgraph load` command: "share-events", "bundle", "qut", "table" ...
    filename: str
    data: bytes
    expect: Outcome
    args: tuple[str, ...] = ()  # options the command needs (`load table`'s column mapping)


def share(i: int, *, ts: str | None = None, account: str | None = None) -> str:
    return f"o{i},{account or f'a{i}'},c{i},{ts or 1_600_000_000 + i}\n"


def shares(n: int, start: int = 1) -> str:
    return "".join(share(i) for i in range(start, start + n))


def account(i: int, **cells: str) -> str:
    row = {"platform": "twitter", "id": str(1000 + i), "handle": f"h{i}", "name": f"N {i}"}
    row |= {"followers": str(i), "created_at": "2019-08-01T00:00:00Z"}
    row |= cells
    return ",".join(row[c] for c in ACCOUNTS_HEADER.strip().split(",")) + "\n"


def accounts(n: int, start: int = 1) -> str:
    return "".join(account(i) for i in range(start, start + n))


def user(i: int, **cells: str) -> str:
    row = dict.fromkeys(USERS_COLUMNS.split(","), "")
    row |= {"userid": str(5000 + i), "user_screen_name": f"u{i}", "follower_count": "10"}
    row |= {"account_creation_date": "2017-08-30"}
    row |= cells
    return ",".join(row[c] for c in USERS_COLUMNS.split(",")) + "\n"


def users(n: int, start: int = 1) -> str:
    return "".join(user(i) for i in range(start, start + n))


def tweet(i: int, **cells: str) -> str:
    row = dict.fromkeys(TWEET_COLUMNS.split(","), "")
    row |= {"tweetid": str(9000 + i), "userid": "5001", "user_screen_name": "u1"}
    row |= {"follower_count": "10", "tweet_time": "2019-08-01 10:00", "is_retweet": "false"}
    row |= {"hashtags": "[]", "urls": "[]", "user_mentions": "[]", "tweet_text": f"t{i}"}
    row |= cells
    return ",".join(row[c] for c in TWEET_COLUMNS.split(",")) + "\n"


def tweets(n: int, start: int = 1) -> str:
    return "".join(tweet(i) for i in range(start, start + n))


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def bad_crc(data: bytes) -> bytes:
    """A zip of `data` stored uncompressed with one byte flipped: its CRC no longer fits."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("data.csv", data)
    raw = bytearray(buf.getvalue())
    at = raw.index(data[-40:]) + 20
    raw[at] ^= 0x01
    return bytes(raw)


def loaded(read: int, *, rejected: int = 0, duplicates: int = 0, **nodes: int) -> Outcome:
    return Outcome(
        read=read,
        loaded=read - rejected - duplicates,
        rejected=rejected,
        duplicates=duplicates,
        nodes=nodes,
    )


def failed(message: str) -> Outcome:
    return Outcome(error=message)


def _share_cases() -> list[Case]:
    h = SHARES_HEADER
    good = shares(50, 4)
    out: list[tuple[str, str | bytes, Outcome]] = [
        ("quote-mid-row", h + shares(2) + 'o3,"a3,c3,1600000003\n' + good, loaded(53, rejected=1)),
        ("quote-last-col", h + shares(2) + 'o3,a3,c3,"1600000003\n' + good, loaded(53, rejected=1)),
        (
            "quote-many-rows",
            h + shares(2) + 'o3,"a3,c3,1\n' + shares(300, 4),
            loaded(303, rejected=1),
        ),
        (
            "two-quotes",
            h + 'o1,"a1,c1,1\n' + shares(5, 2) + 'o7,a7",c7,1\n' + shares(3, 8),
            loaded(10, rejected=1, Account=9),
        ),
        (
            "latin1-late",
            (h + shares(30)).encode() + "o31,é,c31,1\n".encode("latin-1") + shares(5, 32).encode(),
            failed("line 32 (byte"),
        ),
        ("latin1-row3", (h + shares(2)).encode() + b"o3,\xff,c3,1\n", failed("line 4 (byte")),
        (
            "utf8-truncated",
            (h + shares(2)).encode() + b"o3,\xe4\xb8",
            failed("ends inside a UTF-8"),
        ),
        (
            "ms-timestamps",
            h + share(1) + share(2, ts="1600000000000") + share(3, ts="1600000000123"),
            loaded(3, rejected=2),
        ),
        (
            "fullwidth-ts",
            h + share(1) + share(2, ts="\uff11\uff16" + "\uff10" * 8),
            loaded(2, rejected=1),
        ),
        ("superscript-ts", h + share(1) + share(2, ts="\u00b2"), loaded(2, rejected=1)),
        ("25-digit-ts", h + share(1) + share(2, ts="1" * 25), loaded(2, rejected=1)),
        (
            "nan-inf-ts",
            h + share(1) + share(2, ts="nan") + share(3, ts="inf") + share(4, ts="-inf"),
            loaded(4, rejected=3),
        ),
        ("negative-ts", h + share(1, ts="-5"), loaded(1, Account=1, Post=1)),
        ("huge-id", h + share(1) + share(2, account="9" * 9_000), loaded(2, rejected=1, Account=1)),
        (
            "10mb-id",
            h + share(1) + share(2, account="x" * 10_000_000),
            loaded(2, rejected=1, Account=1),
        ),
        ("empty-file", "", failed("the file is empty")),
        ("header-only", h, loaded(0, Account=0)),
        ("wrong-header", "object,account,content,time\n" + shares(2), failed("wrong header")),
        (
            "long-header",
            ",".join(f"col{i}" for i in range(40_000)) + "\n" + shares(2),
            failed("and 39,980 more"),
        ),
        ("huge-header-line", "x" * 2_000_000 + "\n" + shares(2), failed("header line is longer")),
        ("bom", "\ufeff" + h + shares(3), loaded(3, Account=3)),
        ("crlf", (h + shares(3)).replace("\n", "\r\n"), loaded(3, Account=3)),
        ("nul-byte", h + "o1,a\x001,c1,1600000001\n", loaded(1, Account=1)),
        # Ids and times hold no newline: the quoted one is a stray quote's, and its line a reject.
        (
            "newline-in-id",
            h + 'o1,a1,"c\n1",1600000001\n' + share(2),
            loaded(3, rejected=2, Account=1),
        ),
        (
            "reordered",
            "account_id,object_id,timestamp_share,content_id\na1,o1,1600000001,c1\n",
            loaded(1, Account=1, Post=1),
        ),
        (
            "duplicated-rows",
            h + share(1) + share(1) + share(2) + share(1),
            loaded(4, duplicates=2, Account=2),
        ),
        ("blank-lines", h + "\n" + share(1) + "\n\n" + share(2), loaded(2, Account=2)),
        (
            "wrong-width",
            h + share(1) + "o2,a2\n" + "o3,a3,c3,1,extra\n",
            loaded(3, rejected=2, Account=1),
        ),
        (
            "empty-ids",
            h + ",a1,c1,1\n" + "o2,,c2,1\n" + "o3,a3,,1\n" + share(4),
            loaded(4, rejected=3, Account=1),
        ),
        (
            "2mb-line",
            h + share(1) + "o2," + "y" * 2_000_000 + ",c2,1\n" + share(3),
            loaded(3, rejected=1, Account=2),
        ),
        ("control-chars", h + "o1,a\x07\x1b1,c1,1600000001\n", loaded(1, Account=1)),
        ("whitespace-ids", h + " o1 , a1 ,c1, 1600000001 \n", loaded(1, Account=1)),
    ]
    cases = [
        Case(f"shares-{n}", "share-events", f"{n}.csv", d.encode() if isinstance(d, str) else d, e)
        for n, d, e in out
    ]
    data = (h + shares(40)).encode()
    cases += [
        Case("shares-gz", "share-events", "ok.csv.gz", gz(data), loaded(40, Account=40)),
        Case(
            "shares-gz-bad-utf8",
            "share-events",
            "b.csv.gz",
            gz(data + b"o41,\xff,c,1\n"),
            failed("line 42 (byte"),
        ),
        Case("shares-gz-truncated", "share-events", "t.csv.gz", gz(data)[:-30], failed("gzip")),
        Case("shares-not-gzip", "share-events", "n.csv.gz", data, failed("gzip")),
        Case(
            "shares-zip", "share-events", "ok.zip", zipped({"s.csv": data}), loaded(40, Account=40)
        ),
        Case("shares-zip-bad-crc", "share-events", "crc.zip", bad_crc(data), failed("damaged zip")),
        Case(
            "shares-zip-two",
            "share-events",
            "two.zip",
            zipped({"a.csv": data, "b.csv": data}),
            failed("expected one file"),
        ),
        Case("shares-not-zip", "share-events", "n.zip", data, failed("not a readable zip")),
        Case(
            "shares-zip-huge-line",
            "share-events",
            "line.zip",
            zipped({"s.csv": b"x" * 5_000_000}),
            failed("header line is longer"),
        ),
    ]
    return cases


def _bundle_cases() -> list[Case]:
    h = ACCOUNTS_HEADER
    out: list[tuple[str, str, str | bytes, Outcome]] = [
        (
            "followers-1e30",
            "accounts.csv",
            h + account(1) + account(2, followers="1" + "0" * 30),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "followers-2e63",
            "accounts.csv",
            h + account(1, followers=str(2**63)) + account(2, followers=str(2**63 - 1)),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "followers-superscript",
            "accounts.csv",
            h + account(1, followers="\u00b2") + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "followers-fullwidth",
            "accounts.csv",
            h + account(1, followers="\uff11\uff12") + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "created-25-digits",
            "accounts.csv",
            h + account(1, created_at="9" * 25) + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "created-ms",
            "accounts.csv",
            h + account(1, created_at="1600000000000") + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "created-nan",
            "accounts.csv",
            h + account(1, created_at="nan") + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "id-9000",
            "accounts.csv",
            h + account(1, id="7" * 9_000) + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "handle-9000",
            "accounts.csv",
            h + account(1, handle="k" * 9_000) + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "name-50k",
            "accounts.csv",
            h + account(1, name="n" * 50_000) + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "quote-last-col",
            "accounts.csv",
            h + accounts(2) + account(3, created_at='"2019-08-01') + accounts(5_000, 4),
            loaded(5_003, rejected=1, Account=5_002),
        ),
        (
            "latin1-late",
            "accounts.csv",
            (h + accounts(20)).encode() + "twitter,9,é,n,1,2019-08-01\n".encode("latin-1"),
            failed("line 22 (byte"),
        ),
        ("missing-column", "accounts.csv", "platform,handle\ntwitter,x\n", failed("missing id")),
        (
            "unknown-column",
            "accounts.csv",
            "platform,id,colour\ntwitter,1,red\n",
            failed("unexpected colour"),
        ),
        (
            "repeated-column",
            "accounts.csv",
            "platform,id,id\ntwitter,1,1\n",
            failed("repeated column names"),
        ),
        (
            "embedded-newline",
            "accounts.csv",
            ACCOUNTS_TEXT_HEADER + 'twitter,1,"two\nlines"\ntwitter,2,"three\r\nlines\nhere"\n',
            loaded(2, Account=2),
        ),
        (
            "conflicting",
            "accounts.csv",
            h + account(1, handle="first") + account(1, handle="second"),
            loaded(2, Account=1),
        ),
        (
            "duplicated",
            "accounts.csv",
            h + account(1) + account(1) + account(2),
            loaded(3, duplicates=1, Account=2),
        ),
        (
            "bad-platform",
            "accounts.csv",
            h + account(1, platform="myspace") + account(2),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "follows-bad-target",
            "follows.csv",
            "platform,follower_id,target_id,target_type\ntwitter,1,2,account\ntwitter,1,3,planet\n",
            loaded(2, rejected=1, Account=2),
        ),
        (
            "ip-bad",
            "ip_logins.csv",
            IP_HEADER
            + "twitter,1,999.1.1.1,2019-01-01,2019-01-02,1,vpn\n"
            + "twitter,1,192.0.2.1,2019-01-01,2019-01-02,1,vpn\n",
            loaded(2, rejected=1, Account=1, IP=1),
        ),
        (
            "ip-backwards",
            "ip_logins.csv",
            IP_HEADER + "twitter,1,192.0.2.1,2019-02-01,2019-01-02,1,vpn\n",
            loaded(1, rejected=1, Account=0),
        ),
    ]
    j = [
        ("array-for-scalar", {"platform": "twitter", "id": ["1"]}),
        ("object-for-scalar", {"platform": "twitter", "id": "1", "handle": {"a": 1}}),
        ("nan-followers", '{"platform": "twitter", "id": "1", "followers": NaN}'),
        ("inf-followers", '{"platform": "twitter", "id": "1", "followers": 1e400}'),
        ("huge-int", {"platform": "twitter", "id": "1", "followers": 10**30}),
        ("bool-for-int", {"platform": "twitter", "id": "1", "followers": True}),
        (
            "deep-nesting",
            '{"platform": "twitter", "id": "1", "name": ' + "[" * 5_000 + "]" * 5_000 + "}",
        ),
        ("top-level-array", "[1, 2, 3]"),
        ("not-json", "{platform: twitter"),
        ("huge-line", '{"platform": "twitter", "id": "1", "name": "' + "z" * 2_000_000 + '"}'),
    ]
    good = json.dumps({"platform": "twitter", "id": "2", "handle": "ok"})
    cases = [
        Case(f"bundle-{n}", "bundle", f"{n}/{f}", d.encode() if isinstance(d, str) else d, e)
        for n, f, d, e in out
    ]
    for n, line in j:
        text = line if isinstance(line, str) else json.dumps(line)
        cases.append(
            Case(
                f"bundle-jsonl-{n}",
                "bundle",
                f"jsonl-{n}/accounts.jsonl",
                (text + "\n" + good + "\n").encode(),
                loaded(2, rejected=1, Account=1),
            )
        )
    lines = "".join(json.dumps({"platform": "twitter", "id": str(i)}) + "\n" for i in range(30))
    cases += [
        Case(
            "bundle-jsonl-bad-utf8",
            "bundle",
            "jsonl-utf8/accounts.jsonl",
            lines.encode() + b'{"platform": "twitter", "id": "\xff"}\n',
            failed("line 31 (byte"),
        ),
        Case(
            "bundle-jsonl-bom-crlf",
            "bundle",
            "jsonl-bom/accounts.jsonl",
            ("\ufeff" + lines.replace("\n", "\r\n")).encode(),
            loaded(30, Account=30),
        ),
        Case(
            "bundle-jsonl-gz",
            "bundle",
            "jsonl-gz/accounts.jsonl.gz",
            gz(lines.encode()),
            loaded(30, Account=30),
        ),
        Case(
            "bundle-jsonl-gz-truncated",
            "bundle",
            "jsonl-gzt/accounts.jsonl.gz",
            gz(lines.encode())[:-20],
            failed("gzip"),
        ),
        Case(
            "bundle-bad-name",
            "bundle",
            "badname/people.csv",
            b"platform,id\ntwitter,1\n",
            failed("not a bundle file name"),
        ),
    ]
    return cases


def _twitter_cases() -> list[Case]:
    uh = USERS_COLUMNS + "\n"
    th = TWEET_COLUMNS + "\n"
    u = "camp_users_csv_hashed.csv"
    t = "camp_tweets_csv_hashed.csv"
    out: list[tuple[str, str, str | bytes, Outcome]] = [
        (
            "followers-1e30",
            u,
            uh + user(1) + user(2, follower_count="1" + "0" * 30),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "followers-superscript",
            u,
            uh + user(1) + user(2, follower_count="\u00b2"),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "followers-fullwidth",
            u,
            uh + user(1) + user(2, follower_count="\uff11\uff12"),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "screen-name-9000",
            u,
            uh + user(1) + user(2, user_screen_name="s" * 9_000),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "userid-10mb",
            u,
            uh + user(1) + user(2, userid="8" * 10_000_000),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "created-25-digits",
            u,
            uh + user(1) + user(2, account_creation_date="2" * 25),
            loaded(2, rejected=1, Account=1),
        ),
        (
            "quote-last-col",
            u,
            uh + users(2) + user(3, account_language='"en') + users(5_000, 4),
            loaded(5_003, rejected=1, Account=5_002),
        ),
        (
            "latin1-late",
            u,
            (uh + users(25)).encode() + user(26, user_display_name="é").encode("latin-1"),
            failed("line 27 (byte"),
        ),
        (
            "neither-file",
            "camp_users_other.csv",
            "a,b\n1,2\n",
            failed("neither a users nor a tweets file"),
        ),
        (
            "lat-nan",
            t,
            th
            + tweet(1)
            + tweet(2, latitude="nan")
            + tweet(3, latitude="91")
            + tweet(4, longitude="-inf"),
            loaded(4, rejected=3, Post=1),
        ),
        (
            "hashtag-nested",
            t,
            th
            + tweet(1)
            + tweet(2, hashtags='"[[1]]"')
            + tweet(3, hashtags='"[' + "1" * 30 + ']"'),
            loaded(3, rejected=2, Post=1),
        ),
        (
            "tweet-time-25",
            t,
            th + tweet(1) + tweet(2, tweet_time="3" * 25),
            loaded(2, rejected=1, Post=1),
        ),
        (
            "quote-poll",
            t,
            th + tweets(2) + tweet(3, poll_choices='"a|b') + tweets(50, 4),
            loaded(53, rejected=1, Post=52),
        ),
        ("text-newlines", t, th + tweet(1, tweet_text='"a\nb\nc"') + tweet(2), loaded(2, Post=2)),
        (
            "like-count-2e63",
            t,
            th + tweet(1, like_count=str(2**63)) + tweet(2),
            loaded(2, rejected=1, Post=1),
        ),
    ]
    cases = [
        Case(f"twitter-{n}", "twitter-io", f"{n}/{f}", d.encode() if isinstance(d, str) else d, e)
        for n, f, d, e in out
    ]
    data = (th + tweets(20)).encode()
    cases.append(
        Case(
            "twitter-zip-bad-crc",
            "twitter-io",
            "crc/camp_tweets_csv_hashed.csv.zip",
            bad_crc(data),
            failed("damaged zip"),
        )
    )
    return cases


QUT_HEADER = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
TABLE_ARGS = ("--account", "who", "--object", "link", "--time", "when")


def qut(i: int, **cells: str) -> str:
    row = {"message_id": f"m{i}", "user_id": f"u{i}", "username": f"n{i}", "repost_id": ""}
    row |= {"reply_id": "", "message": f"hello {i}", "timestamp": str(1_600_000_000 + i)}
    row |= {"urls": f"https://example.org/{i}"}
    row |= cells
    return ",".join(row[c] for c in QUT_HEADER.strip().split(",")) + "\n"


def quts(n: int, start: int = 1) -> str:
    return "".join(qut(i) for i in range(start, start + n))


def twarc_page(start: int, n: int) -> str:
    data = [
        {"id": str(i), "author_id": f"9{i}", "text": f"t{i}", "created_at": "2022-01-01T00:00:00Z"}
        for i in range(start, start + n)
    ]
    return json.dumps({"data": data}) + "\n"


def telegram(messages: list[object]) -> str:
    return json.dumps({"name": "c", "type": "public_channel", "id": 1, "messages": messages})


def tg_message(i: int) -> dict[str, object]:
    return {"id": i, "type": "message", "date_unixtime": str(1_600_000_000 + i), "text": f"m{i}"}


CT_HEADER = "Page Name,User Name,Facebook Id,Post Created,Type,URL,Message,Link,Final Link\n"


def ct(i: int, created: str = "2021-03-01 10:00:00 EST") -> str:
    url = f"https://www.facebook.com/p{i}/posts/{i}"
    return f"Page {i},p{i},{100 + i},{created},Link,{url},hi,https://example.org/{i},\n"


def _format_cases() -> list[Case]:
    deep = "[" * 100_000 + "]" * 100_000
    nested = "[" * 5_000 + '"x"' + "]" * 5_000  # a message's text nested 5,000 lists deep
    out: list[tuple[str, str, str, str | bytes, Outcome, tuple[str, ...]]] = [
        (
            "qut-quote-mid-row",
            "qut",
            "q.csv",
            QUT_HEADER + quts(2) + 'm3,"u3,n3,,,x,1,\n' + quts(20, 4),
            loaded(23, rejected=1),
            (),
        ),
        (
            "qut-ms-timestamps",
            "qut",
            "q.csv",
            QUT_HEADER + qut(1) + qut(2, timestamp="1600000000000"),
            loaded(2, rejected=1),
            (),
        ),
        (
            "qut-fullwidth-ts",
            "qut",
            "q.csv",
            QUT_HEADER + qut(1) + qut(2, timestamp="\uff11\uff16"),
            loaded(2, rejected=1),
            (),
        ),
        (
            "qut-bad-url",
            "qut",
            "q.csv",
            QUT_HEADER + qut(1) + qut(2, urls="javascript:alert(1)"),
            loaded(2, rejected=1),
            (),
        ),
        (
            "qut-huge-message",
            "qut",
            "q.csv",
            QUT_HEADER + qut(1) + qut(2, message="x" * 100_000),
            loaded(2, rejected=1, Post=1),
            (),
        ),
        ("qut-empty", "qut", "q.csv", "", failed("the file is empty"), ()),
        (
            "qut-wrong-header",
            "qut",
            "q.csv",
            "message_id,user_id\nm1,u1\n",
            failed("wrong header"),
            (),
        ),
        (
            "qut-latin1",
            "qut",
            "q.csv",
            (QUT_HEADER + quts(2)).encode() + b"m3,\xff\n",
            failed("(byte"),
            (),
        ),
        (
            "twarc-not-json",
            "twarc",
            "t.jsonl",
            "{nope\n" + twarc_page(1, 3),
            failed("not JSON"),
            (),
        ),
        (
            "twarc-deep-nesting",
            "twarc",
            "t.jsonl",
            twarc_page(1, 3) + deep + "\n",
            loaded(4, rejected=1, Post=3),
            (),
        ),
        (
            "twarc-huge-id",
            "twarc",
            "t.jsonl",
            twarc_page(1, 2)
            + json.dumps(
                {
                    "data": [
                        {"id": "9" * 9_000, "author_id": "1", "created_at": "2022-01-01T00:00:00Z"}
                    ]
                }
            )
            + "\n",
            loaded(3, rejected=1, Post=2),
            (),
        ),
        (
            "twarc-not-tweets",
            "twarc",
            "t.jsonl",
            json.dumps({"data": [1, "x", None]}) + "\n",
            loaded(3, rejected=3),
            (),
        ),
        (
            "twarc-gz-truncated",
            "twarc",
            "t.jsonl.gz",
            gz(twarc_page(1, 50).encode())[:-30],
            failed("gzip"),
            (),
        ),
        (
            "telegram-truncated",
            "telegram",
            "result.json",
            telegram([tg_message(i) for i in range(1, 5)])[:-10],
            failed("not a JSON document"),
            (),
        ),
        (
            "telegram-no-messages",
            "telegram",
            "result.json",
            '{"name": "c", "id": 1}',
            failed("no messages list"),
            (),
        ),
        (
            "telegram-not-objects",
            "telegram",
            "result.json",
            telegram([1, "x", tg_message(3)]),
            loaded(3, rejected=2, Post=1),
            (),
        ),
        (
            "telegram-deep-text",
            "telegram",
            "result.json",
            telegram([tg_message(1)])[:-2]
            + ', {"id": 2, "type": "message", "date_unixtime": "1600000002", "text": '
            + nested
            + "}]}",
            loaded(2, rejected=1, Post=1),
            (),
        ),
        (
            "ct-wrong-header",
            "crowdtangle",
            "c.csv",
            "name,created,link\nx,1,y\n",
            failed("not a CrowdTangle export"),
            (),
        ),
        (
            "ct-two-kinds",
            "crowdtangle",
            "c.csv",
            "Page Name,Group Name,Facebook Id,Post Created,URL\n",
            failed("not a CrowdTangle"),
            (),
        ),
        (
            "ct-unknown-zone",
            "crowdtangle",
            "c.csv",
            CT_HEADER + ct(1) + ct(2, "2021-03-01 10:00:00 IST"),
            loaded(2, rejected=1, Page=1),
            (),
        ),
        (
            "table-unknown-column",
            "table",
            "t.csv",
            "who,url,when\na,https://x.org,1\n",
            failed("no column 'link' in the file; its columns: who, url, when"),
            TABLE_ARGS,
        ),
        (
            "table-bad-format",
            "table",
            "t.csv",
            "who,link,when\na,https://x.org,1\n",
            failed("bad time format"),
            (*TABLE_ARGS, "--time-format", "%Q"),
        ),
        (
            "table-bad-times",
            "table",
            "t.csv",
            "who,link,when\na,https://x.org/1,1\nb,https://x.org/2,soon\nc,https://x.org/3,nan\n",
            loaded(3, rejected=2, Url=1),
            (*TABLE_ARGS, "--time-format", "epoch"),
        ),
    ]
    return [
        Case(n, loader, f, d.encode() if isinstance(d, str) else d, e, args)
        for n, loader, f, d, e, args in out
    ]


CASES: Callable[[], list[Case]] = lambda: [  # noqa: E731
    *_share_cases(),
    *_bundle_cases(),
    *_twitter_cases(),
    *_format_cases(),
]
