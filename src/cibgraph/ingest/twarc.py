"""Twitter API v2 JSON lines as twarc2 writes them: response pages, or one tweet per line (flatten).

A page (`twarc2 search`, `timeline` ...) is one line `{"data": [tweets], "includes": {"users":
[...], "tweets": [...]}, "meta": ...}`; `twarc2 flatten` writes one tweet per line with its
author inline (`"author": {...}`); a filtered-stream line is `{"data": {tweet}, "includes": ...}`.
All three are read, told apart line by line. Each tweet in `data` (never the referenced tweets
of `includes.tweets`, which are context, not the collection) becomes:

- its author's Account (`author_id`; handle, name, description, location and follower counts
  from `includes.users` or the inline `author`) and the tweet as a Post with its text,
  language (`lang`), client (`source`) and time (`created_at`);
- a retweet (`referenced_tweets` of type `retweeted`): a share of the retweeted post, and
  nothing else (its entities are the original's);
- otherwise a share of the quoted post (`quoted`) and of the replied-to post (`replied_to`);
  each URL (`entities.urls[].unwound_url` or `expanded_url`, normalised; the link to the quoted
  tweet itself left out) a URL share; each `entities.hashtags[].tag` a hashtag share; each
  `entities.mentions[]` a share of the mentioned account (`mention`), by its `id` (accounts
  are keyed by id), by `username` only when a mention has no id.

Rows are tweets: `read` counts tweets, and a line that is not JSON, or a tweet without an id,
author or time, is one reject with its line. A tweet id seen before in the file is a duplicate.
The first line that holds anything must be a page or a tweet, or nothing is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from cibgraph.ingest.events import EventError, EventLoader, PostEvent, Shared, time_ms
from cibgraph.ingest.files import open_text
from cibgraph.ingest.rows import LoadError, Parsed, Reject
from cibgraph.ingest.shares import ObjectType, ShareKind
from cibgraph.ingest.values import FieldError, check_int, check_key, check_text

_VIA = {"quoted": ShareKind.QUOTE, "replied_to": ShareKind.REPLY}
_RAW = 2_000  # characters of a bad line kept in its reject


def _tweets(doc: Any) -> tuple[list[Any], dict[str, Any]] | None:
    """A line's tweets and its users by id, or None when the line is neither a page nor a tweet."""
    if not isinstance(doc, dict):
        return None
    data = doc.get("data")
    if isinstance(data, list | dict):
        includes = doc.get("includes")
        users = includes.get("users") if isinstance(includes, dict) else None
        by_id = {
            str(u["id"]): u
            for u in (users if isinstance(users, list) else [])
            if isinstance(u, dict) and "id" in u
        }
        return (data if isinstance(data, list) else [data]), by_id
    if "id" in doc and ("text" in doc or "author_id" in doc):  # flattened: one tweet
        author = doc.get("author")
        return [doc], (
            {str(author["id"]): author} if isinstance(author, dict) and "id" in author else {}
        )
    if "errors" in doc and "data" not in doc:  # a page of errors only (deleted tweets ...)
        return [], {}
    return None


def _str(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise FieldError(field, "missing" if value is None else f"not an id: {str(value)[:80]!r}")
    return check_key(value.strip(), field)


def _profile(user: Any) -> dict[str, Any]:
    """What a v2 user object tells about the author; absent or odd values left out."""
    if not isinstance(user, dict):
        return {}
    found = user.get("public_metrics")
    metrics: dict[str, Any] = found if isinstance(found, dict) else {}
    props: dict[str, Any] = {}
    for key, value in (
        ("handle", user.get("username")),
        ("name", user.get("name")),
        ("description", user.get("description")),
        ("location", user.get("location")),
        ("followers", metrics.get("followers_count")),
        ("following", metrics.get("following_count")),
    ):
        if isinstance(value, str) and value.strip():
            props[key] = check_text(value, f"author.{key}")
        elif isinstance(value, int) and not isinstance(value, bool):
            props[key] = check_int(value, f"author.{key}")
    return props


class TwarcLoader(EventLoader):
    """Twitter API v2 tweets, a page or a tweet per line."""

    name: ClassVar[str] = "twarc"

    def parse(self, path: Path) -> Iterator[Parsed]:
        seen_first = False
        with open_text(path) as fh:
            for line, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    doc = json.loads(text)
                except (json.JSONDecodeError, RecursionError) as exc:
                    if not seen_first:
                        raise LoadError(
                            f"{path}: line {line} is not JSON ({exc}); expected Twitter API v2 "
                            "JSON lines (twarc2 pages or flattened tweets)"
                        ) from None
                    yield Reject(line, "", f"not JSON: {exc}", text.rstrip("\r\n")[:_RAW])
                    continue
                found = _tweets(doc)
                if found is None:
                    if not seen_first:
                        raise LoadError(
                            f"{path}: line {line} is neither a Twitter API v2 response page "
                            "(with data) nor a tweet (with id and text); expected twarc2 output"
                        )
                    yield Reject(line, "", "neither a response page nor a tweet", text[:_RAW])
                    continue
                seen_first = True
                tweets, users = found
                for tweet in tweets:
                    yield self._tweet(line, tweet, users)

    def _tweet(self, line: int, tweet: Any, users: dict[str, Any]) -> Parsed:
        try:
            raw = json.dumps(tweet, ensure_ascii=False)[:_RAW]
        except RecursionError:
            return Reject(line, "", "nested too deeply", "")
        try:
            if not isinstance(tweet, dict):
                raise FieldError("data", "a tweet is not a JSON object")
            event = self._event(tweet, users)
        except (EventError, FieldError) as exc:
            return Reject(line, exc.field, exc.reason, raw)
        return self.accept_or_reject(line, event, identity=f"tweet\x1f{event.content_id}", raw=raw)

    def _event(self, tweet: dict[str, Any], users: dict[str, Any]) -> PostEvent:
        tweet_id = _str(tweet.get("id"), "id")
        author = _str(tweet.get("author_id"), "author_id")
        created = tweet.get("created_at")
        if not isinstance(created, str):
            raise FieldError("created_at", "missing")
        at_ms = time_ms(created, "created_at")
        text = tweet.get("text")
        refs = tweet.get("referenced_tweets")
        refs = [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []
        retweeted = [r for r in refs if r.get("type") == "retweeted"]
        shared: list[Shared] = []
        if retweeted:
            shared.append(
                Shared(
                    ObjectType.POST,
                    _str(retweeted[0].get("id"), "referenced_tweets"),
                    "referenced_tweets",
                    ShareKind.RETWEET,
                )
            )
        else:
            quoted: set[str] = set()
            for ref in refs:
                via = _VIA.get(str(ref.get("type")))
                if via is not None:
                    ref_id = _str(ref.get("id"), "referenced_tweets")
                    if via is ShareKind.QUOTE:
                        quoted.add(ref_id)
                    shared.append(Shared(ObjectType.POST, ref_id, "referenced_tweets", via))
            shared += self._entities(tweet.get("entities"), quoted)
        lang, source = tweet.get("lang"), tweet.get("source")
        props: dict[str, Any] = {"is_retweet": bool(retweeted)}
        if isinstance(lang, str) and lang:
            props["language"] = lang
        if isinstance(source, str) and source:
            props["client"] = check_text(source, "source")
        user = users.get(author) or tweet.get("author")
        return PostEvent(
            account_id=author,
            content_id=tweet_id,
            at_ms=at_ms,
            shared=shared,
            text=check_text(text, "text") if isinstance(text, str) else None,
            post_props=props,
            profile=_profile(user),
            write_post=True,
            fields=("author_id", "id"),
        )

    def _entities(self, entities: Any, quoted: set[str]) -> list[Shared]:
        if not isinstance(entities, dict):
            return []
        shared: list[Shared] = []
        urls: dict[str, None] = {}
        for entity in _objects(entities.get("urls")):
            url = entity.get("unwound_url") or entity.get("expanded_url") or entity.get("url")
            if not isinstance(url, str) or not url.strip():
                continue
            if any(url.rstrip("/").endswith(f"/status/{q}") for q in quoted):
                continue  # the quoted tweet's own link: the quote share says it already
            urls[url.strip()] = None
        shared += [
            Shared(ObjectType.URL, check_key(u, "entities.urls"), "entities.urls") for u in urls
        ]
        tags = dict.fromkeys(
            t["tag"].lower()
            for t in _objects(entities.get("hashtags"))
            if isinstance(t.get("tag"), str) and t["tag"].strip()
        )
        shared += [
            Shared(ObjectType.HASHTAG, check_key(t, "entities.hashtags"), "entities.hashtags")
            for t in tags
        ]
        # A mentioned account by its id, as accounts are keyed (its handle when the id is absent).
        names = dict.fromkeys(
            str(m.get("id") or m.get("username") or "").strip()
            for m in _objects(entities.get("mentions"))
        )
        names.pop("", None)
        shared += [
            Shared(ObjectType.ACCOUNT, check_key(n, "entities.mentions"), "entities.mentions")
            for n in names
        ]
        return shared


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
