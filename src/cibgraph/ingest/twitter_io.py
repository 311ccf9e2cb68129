"""Twitter/X information-operation archives: the users and tweets files of one campaign.

Twitter publishes each disclosed operation as a users file and a tweets file
(`china_082019_1_users_csv_hashed.csv`, `china_082019_1_tweets_csv_hashed.csv.zip`). Which of
the two a file is comes from its header; the campaign every account is attributed to comes from
the file-name prefix unless given. Accounts with fewer than 5,000 followers have their id, display
name and screen name replaced by one base64 hash: the hash is kept as the account's id only.

A tweets file is full coordination input: besides the Post (text, language, client, time) and
the interaction counts (RETWEETED, REPLIED_TO, MENTIONED), each tweet writes share events
(SHARED, also appended to the share log) for its hashtags, its URLs (normalised,
`urls.normalise_url`), the post it retweets (`via: retweet`), replies to (`via: reply`) or
quotes (`via: quote`), and each account it mentions; a retweet shares the retweeted post and
the hashtags and URLs the archive lists for it, but not its mentions (the original's).
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from neo4j import ManagedTransaction

from cibgraph.ingest.base import Accepted, Item, Loader, LoadError, Parsed, Reject
from cibgraph.ingest.files import data_name, open_text, read_csv_rows
from cibgraph.ingest.ids import account_key, is_hashed_id, object_key
from cibgraph.ingest.urls import normalise_url
from cibgraph.ingest.values import (
    FieldError,
    check_int,
    check_key,
    check_text,
    coordinate,
    time_ms,
    whole_number,
)
from cibgraph.neo4j.runner import prepare, run_in

PLATFORM = "twitter"

USER_COLUMNS = (
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
)

TWEET_COLUMNS = (
    "tweetid",
    *USER_COLUMNS,
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
    "poll_choices",
)

# `china_082019_1_users_csv_hashed` → `china_082019_1`; `ira_tweets_csv_hashed_2` → `ira`.
_CAMPAIGN_IN_NAME = re.compile(r"^(?P<label>[a-z0-9][a-z0-9_-]*?)_(?:users|tweets)(?:_|$)", re.I)
# The archives write this word where a number is unknown.
_ABSENT = "absent"
# The free-text columns, the only ones whose cells may hold a newline.
_MULTILINE = frozenset(
    {
        "user_display_name",
        "user_reported_location",
        "user_profile_description",
        "tweet_text",
        "poll_choices",
    }
)
_TRUE = frozenset({"true", "1", "yes", "t"})
_FALSE = frozenset({"false", "0", "no", "f"})


class FileKind(StrEnum):
    """The two files of an archive, told apart by their header."""

    USERS = "users"
    TWEETS = "tweets"


def campaign_from_name(path: Path) -> str | None:
    """The campaign label a file's name starts with, or None when it names none."""
    m = _CAMPAIGN_IN_NAME.match(data_name(path))
    return m.group("label") if m else None


def detect_kind(path: Path) -> FileKind:
    """Read the header only: a `tweetid` column makes a tweets file, a `userid` one a users file.

    The full header is checked afterwards by `read_csv_rows`, which names the expected columns.
    """
    with open_text(path) as fh:
        try:
            header = next(csv.reader(fh), [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LoadError(f"{path}: cannot read the header as UTF-8 CSV ({exc})") from None
    names = {h.strip() for h in header}
    if "tweetid" in names:
        return FileKind.TWEETS
    if "userid" in names:
        return FileKind.USERS
    raise LoadError(
        f"{path}: neither a users nor a tweets file; expected users columns: "
        f"{', '.join(USER_COLUMNS)}; or tweets columns: {', '.join(TWEET_COLUMNS)}"
    )


def _text(rec: dict[str, str], column: str) -> str | None:
    """A text field; the archives write missing values as empty strings."""
    value = rec[column]
    return check_text(value, column) if value.strip() else None


def _id(rec: dict[str, str], column: str) -> str | None:
    v = rec[column].strip()
    return check_key(v, column) if v and v.lower() != _ABSENT else None


def _count(rec: dict[str, str], column: str) -> int | None:
    value = rec[column].strip()
    if not value or value.lower() == _ABSENT:
        return None
    return whole_number(value, column)


def _coordinate(rec: dict[str, str], column: str, limit: float) -> float | None:
    value = rec[column].strip()
    if not value or value.lower() == _ABSENT:
        return None
    return coordinate(value, column, limit)


def _time_ms(rec: dict[str, str], column: str, *, required: bool) -> int | None:
    """A date or time as epoch milliseconds (the queries turn it into a UTC datetime)."""
    value = rec[column].strip()
    if not value:
        if required:
            raise FieldError(column, "empty date")
        return None
    return time_ms(value, column)


def _language(rec: dict[str, str], column: str) -> str | None:
    v = rec[column].strip().lower()
    return check_key(v, column) if v else None


def _flag(rec: dict[str, str], column: str) -> bool:
    value = rec[column].strip().lower()
    if not value or value in _FALSE:
        return False
    if value in _TRUE:
        return True
    raise FieldError(column, f"not true or false: {rec[column]!r}")


def parse_list(rec: dict[str, str], column: str) -> list[str]:
    """A Python-literal list column (`['a', 'b']`, `[]`) as strings; empty means no items.

    `ast.literal_eval` evaluates literals only, never code; anything but a flat list of strings
    or integers is a `FieldError` for the column.
    """
    value = rec[column].strip()
    if not value or value.lower() == _ABSENT:
        return []
    if not value.startswith("["):
        raise FieldError(column, f"not a list literal: {value[:80]!r}")
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise FieldError(column, f"malformed list literal ({type(exc).__name__})") from None
    if not isinstance(parsed, list):
        raise FieldError(column, "not a list literal")
    items: list[str] = []
    for element in parsed:
        if isinstance(element, bool) or not isinstance(element, str | int):
            raise FieldError(column, f"list element is not a string or number: {element!r}")
        if isinstance(element, int):
            check_int(element, column)
        text = str(element).strip()
        if not text:
            raise FieldError(column, "empty list element")
        items.append(check_key(text, column))
    return items


def _account_ref(native_id: str) -> dict[str, Any]:
    """A minimal account another row points at (reply target, mention, retweeted author)."""
    return {
        "key": account_key(PLATFORM, native_id),
        "platform_id": native_id,
        "hashed": is_hashed_id(PLATFORM, native_id),
    }


def _without_missing(props: dict[str, Any]) -> dict[str, Any]:
    # Missing values are not sent: `SET n += props` must not erase what another file told us.
    return {k: v for k, v in props.items() if v is not None}


def _raw(rec: dict[str, str], columns: Sequence[str]) -> str:
    return ",".join(rec[c] for c in columns)


def _with(field: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda tweets: [t for t in tweets if t[field]]


def _first_per_tweet(tweets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({t["post_key"]: t for t in reversed(tweets)}.values())


# tweet query → the batch's tweets it is sent (all of them when not listed).
_TWEET_ROWS: dict[str, Callable[[list[dict[str, Any]]], list[dict[str, Any]]]] = {
    "load/twitter_urls": _with("urls"),
    "load/twitter_hashtags": _with("hashtags"),
    "load/twitter_retweets": _with("retweets"),
    "load/twitter_post_shares": _with("posts"),
    "load/twitter_mention_shares": _with("mention_shares"),
    "load/twitter_interactions": _first_per_tweet,
}


def _tallied(tweet: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The tweet's share events as (object type, identity), for the load report's tallies."""
    at = f"{tweet['account_key']}\x1f{tweet['content_id']}\x1f{tweet['at_ms']}"
    for tag in tweet["hashtags"]:
        yield "hashtag", f"{tag}\x1f{at}"
    for link in tweet["urls"]:
        yield "url", f"{link['url']}\x1f{at}"
    for rt in tweet["retweets"]:
        yield "retweet", f"{rt['post_key']}\x1f{at}"
    for post in tweet["posts"]:
        yield post["via"], f"{post['post_key']}\x1f{at}"
    for user in tweet["mention_shares"]:
        yield "mention", f"{user['key']}\x1f{at}"


class TwitterIOLoader(Loader):
    """Users and tweets files of Twitter/X information-operation archives."""

    name: ClassVar[str] = "twitter-io"
    # Within one batch transaction, in this order: accounts first (tweets point at them); then
    # each tweet's Post, its shares, and last the aggregated counts, which also clear the mark
    # `load/twitter_tweets` sets on Posts seen for the first time.
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        "account": ("load/twitter_users",),
        "tweet": (
            "load/twitter_tweets",
            "load/twitter_urls",
            "load/twitter_hashtags",
            "load/twitter_retweets",
            "load/twitter_post_shares",
            "load/twitter_mention_shares",
            "load/twitter_interactions",
        ),
    }

    def __init__(self, *, campaign: str | None = None) -> None:
        label = campaign.strip() if campaign is not None else None
        if campaign is not None and not label:
            raise LoadError("the campaign label is empty")
        self.campaign = label

    def campaign_for(self, path: Path) -> str:
        """The campaign of a file: the one given, or the file name's prefix; else `LoadError`."""
        label = self.campaign or campaign_from_name(path)
        if not label:
            raise LoadError(
                f"{path}: the file name does not start with a campaign label "
                "(like china_082019_1_users_csv_hashed.csv); give one with --campaign"
            )
        return label

    def parse(self, path: Path) -> Iterator[Parsed]:
        campaign = self.campaign_for(path)
        kind = detect_kind(path)
        columns = USER_COLUMNS if kind is FileKind.USERS else TWEET_COLUMNS
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=columns, multiline=_MULTILINE):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                try:
                    if kind is FileKind.USERS:
                        yield Accepted(line, (self._account(rec, campaign),))
                        continue
                    account = self._account(rec, campaign)  # its errors first
                    tweet = self._tweet(rec)
                    items = (account, tweet)
                except FieldError as exc:
                    yield Reject(line, exc.field, exc.reason, _raw(rec, columns))
                    continue
                yield Accepted(line, items, shares=tuple(_tallied(tweet.row)))

    def write(self, tx: ManagedTransaction, items: Sequence[Item], params: dict[str, Any]) -> None:
        """Write one batch: accounts first, then the tweets' queries in `queries` order.

        A tweets batch repeats each author once per tweet: each account is written once, with
        its last row (as row-by-row writes would leave it). Each tweet query gets the tweets it
        has work for (`_TWEET_ROWS`), so that every query can count that each row it was sent
        found its nodes: load/twitter_interactions one row per tweet id, the first.
        """
        accounts: dict[str, dict[str, Any]] = {}
        tweets: list[dict[str, Any]] = []
        for item in items:
            if item.kind == "account":
                accounts[item.row["key"]] = item.row
            else:
                tweets.append(item.row)
        if accounts:
            rows = list(accounts.values())
            for name in self.queries["account"]:
                run_in(tx, prepare(name, {"rows": rows, **params}))
        if tweets:
            for name in self.queries["tweet"]:
                rows = _TWEET_ROWS.get(name, list)(tweets)
                if rows:
                    run_in(tx, prepare(name, {"rows": rows, **params}))

    def _account(self, rec: dict[str, str], campaign: str) -> Item:
        userid = _id(rec, "userid")
        if userid is None:
            raise FieldError("userid", "empty id")
        hashed = is_hashed_id(PLATFORM, userid)

        def name(column: str) -> str | None:
            # Hashed accounts carry the hash in their name columns too: it is no name.
            value = _text(rec, column)
            return None if hashed and value is not None and value.strip() == userid else value

        handle = name("user_screen_name")
        if handle is not None:
            check_key(handle, "user_screen_name")  # handles are range-indexed

        props = {
            "platform": PLATFORM,
            "platform_id": userid,
            "hashed": hashed,
            "handle": handle,
            "name": name("user_display_name"),
            "description": _text(rec, "user_profile_description"),
            "location": _text(rec, "user_reported_location"),
            "profile_url": _text(rec, "user_profile_url"),
            "followers": _count(rec, "follower_count"),
            "following": _count(rec, "following_count"),
            "language": _language(rec, "account_language"),
        }
        row = {
            "key": account_key(PLATFORM, userid),
            "campaign": campaign,
            "created_at_ms": _time_ms(rec, "account_creation_date", required=False),
            "props": _without_missing(props),
        }
        return Item("account", row)

    def _tweet(self, rec: dict[str, str]) -> Item:
        tweetid = _id(rec, "tweetid")
        if tweetid is None:
            raise FieldError("tweetid", "empty id")
        author = rec["userid"].strip()
        at_ms = _time_ms(rec, "tweet_time", required=True)
        client = _text(rec, "tweet_client_name")
        is_retweet = _flag(rec, "is_retweet")
        props = {
            "platform": PLATFORM,
            "platform_id": tweetid,
            "text": _text(rec, "tweet_text"),
            "language": _language(rec, "tweet_language"),
            "client": client,
            "is_retweet": is_retweet,
            "in_reply_to_tweetid": _id(rec, "in_reply_to_tweetid"),
            "quoted_tweet_tweetid": _id(rec, "quoted_tweet_tweetid"),
            "latitude": _coordinate(rec, "latitude", 90.0),
            "longitude": _coordinate(rec, "longitude", 180.0),
            "quote_count": _count(rec, "quote_count"),
            "reply_count": _count(rec, "reply_count"),
            "like_count": _count(rec, "like_count"),
            "retweet_count": _count(rec, "retweet_count"),
            "poll_choices": _text(rec, "poll_choices"),
        }

        hashtags: list[str] = []
        for tag in parse_list(rec, "hashtags"):
            try:
                key = object_key("Hashtag", PLATFORM, tag)
            except ValueError as exc:
                raise FieldError("hashtags", str(exc)) from None
            if key not in hashtags:
                hashtags.append(key)

        urls: list[dict[str, str | None]] = []
        for url in parse_list(rec, "urls"):
            try:
                link = normalise_url(url)
            except ValueError as exc:
                raise FieldError("urls", str(exc)) from None
            if all(u["url"] != link.url for u in urls):  # one share per URL and tweet
                spelled = None if link.url == url else url
                urls.append({"url": link.url, "domain": link.domain, "original": spelled})

        retweets: list[dict[str, Any]] = []
        retweeted: list[dict[str, Any]] = []
        retweet_userid = _id(rec, "retweet_userid")
        retweet_tweetid = _id(rec, "retweet_tweetid")
        if retweet_tweetid is not None:
            original = _account_ref(retweet_userid) if retweet_userid is not None else None
            retweets.append(
                {
                    "post_key": account_key(PLATFORM, retweet_tweetid),
                    "platform_id": retweet_tweetid,
                    "author": original,
                }
            )
        if retweet_userid is not None:
            retweeted.append(_account_ref(retweet_userid))

        replied_to: list[dict[str, Any]] = []
        reply_userid = _id(rec, "in_reply_to_userid")
        if reply_userid is not None:
            replied_to.append(_account_ref(reply_userid))

        mentioned: list[dict[str, Any]] = []
        for user in dict.fromkeys(parse_list(rec, "user_mentions")):  # once per tweet
            mentioned.append(_account_ref(user))

        # Share events of the tweet's own interactions, for coordination and co-reply /
        # co-mention: the post it replies to (via reply) and quotes (via quote), and each
        # account it mentions. A retweet has none of its own: its mentions are the original's.
        posts: list[dict[str, str]] = []
        mention_shares: list[dict[str, Any]] = []
        if retweet_tweetid is None:
            replied = _id(rec, "in_reply_to_tweetid")
            quoted = _id(rec, "quoted_tweet_tweetid")
            for target, via in ((replied, "reply"), (quoted, "quote")):
                if target is not None and all(p["platform_id"] != target for p in posts):
                    posts.append(
                        {
                            "post_key": account_key(PLATFORM, target),
                            "platform_id": target,
                            "via": via,
                        }
                    )
            mention_shares = mentioned

        row = {
            "post_key": account_key(PLATFORM, tweetid),
            "account_key": account_key(PLATFORM, author),
            "content_id": tweetid,
            "at_ms": at_ms,
            "client": client,
            "props": _without_missing(props),
            "hashtags": hashtags,
            "urls": urls,
            "retweets": retweets,
            "posts": posts,
            "mention_shares": mention_shares,
            "retweeted": retweeted,
            "replied_to": replied_to,
            "mentioned": mentioned,
        }
        return Item("tweet", row)
