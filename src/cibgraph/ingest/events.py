"""What one post of any source format gives to the graph: its author, the post, its shares.

The format loaders (CooRTweet, the QUT toolkit CSV, column-mapped tables, twarc2, Telegram,
CrowdTangle) differ only in how they read a row; each turns it into a `PostEvent` and hands it to
`EventLoader.accept`, which builds the items: the actor (an Account, Page or Group), the Post
with its text when the format has one, one SHARED edge per shared object (URL, hashtag, domain,
image hash, retweeted or replied-to post, mentioned account) and each URL's Domain. Every share
is tallied per object type (`LoadReport.shares`), so a load says how many URL, hashtag ... share
events it read and how many repeated an earlier one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cibgraph.ingest.base import (
    Accepted,
    Item,
    Loader,
    LoadError,
    Reject,
    Skip,
    epoch_ms,
    open_text,
    parse_utc,
)
from cibgraph.ingest.ids import account_key, is_hashed_id, object_key
from cibgraph.ingest.shares import ObjectType, ShareKind, share_kind
from cibgraph.ingest.urls import normalise_url
from cibgraph.ingest.values import MAX_EPOCH_SECONDS
from cibgraph.neo4j.registry import NamedQuery, get_query

# Hashtags in post text: `#` then letters, digits or underscores (any script), not inside a word.
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


class EventError(ValueError):
    """One field of a row that cannot be loaded; becomes a `Reject` naming the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def hashtags_in(text: str) -> list[str]:
    """The hashtags a text uses, lower-cased, each once, in order of first use."""
    return list(dict.fromkeys(m.group(1).lower() for m in _HASHTAG.finditer(text)))


@dataclass(frozen=True)
class Shared:
    """One object a post shares: its type, its id as the file gives it, and how it was shared.

    `via` says what kind of share a Post object is (`retweet`, `reply`, `quote`, `forward`), so
    that co-retweet and co-reply networks can be told apart; `field` names the column it came
    from, for rejects. `platform` is the object's own platform when the format says it (see
    `EventLoader.object_platform` for when it does not).
    """

    type: ObjectType
    value: str
    field: str
    via: ShareKind | None = None
    platform: str | None = None


@dataclass(frozen=True)
class PostEvent:
    """One post as a format loader read it. Empty optional values are None or left out."""

    account_id: str
    content_id: str
    at_ms: int
    shared: Sequence[Shared] = ()
    empty: Sequence[ObjectType] = ()  # object columns that were empty in this row
    text: str | None = None  # kept on the Post for text signals
    post_props: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)  # handle, name ... of the actor
    write_post: bool = False  # whether the post itself becomes a Post node POSTED by the actor
    platform: str | None = None  # the post's own platform when the file mixes platforms
    fields: tuple[str, str] = ("account_id", "content_id")  # the file's names, for rejects


class EventLoader(Loader):
    """A loader whose rows are posts; subclasses parse and call `accept` for each row.

    `actor_label` is what posts' authors are (Account; Page or Group for page exports).
    `opaque_urls` lets a URL column hold ids rather than URLs (CooRTweet's anonymised
    datasets): such a Url node gets no Domain.
    """

    name: ClassVar[str]
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        "actor": ("load/endpoints",),
        **{f"object:{t.value}": ("load/endpoints",) for t in ObjectType},
        "profile": ("load/actor_profiles",),
        "post": ("load/posts",),
        **{f"share:{t.value}": ("load/post_shares",) for t in ObjectType},
        "url_domain": ("load/url_domains",),
    }
    node_kinds: ClassVar[frozenset[str]] = frozenset(
        {"actor", *(f"object:{t.value}" for t in ObjectType)}
    )
    endpoint_kinds: ClassVar[frozenset[str]] = node_kinds
    actor_label: str = "Account"  # a loader whose files differ (CrowdTangle) sets it per file
    opaque_urls: ClassVar[bool] = False
    bare_urls: ClassVar[bool] = False  # URLs may come without a scheme (`urls.normalise_url`)

    def __init__(self, *, platform: str = "twitter") -> None:
        account_key(platform, "x")  # validates the platform once
        self.platform = platform.strip().lower()

    def query(self, kind: str, name: str) -> NamedQuery:
        q = get_query(name)
        if name == "load/endpoints":
            return q.bind(node=self.actor_label if kind == "actor" else kind.partition(":")[2])
        if name == "load/post_shares":
            return q.bind(actor=self.actor_label, object=kind.partition(":")[2])
        return q.bind(actor=self.actor_label) if q.label_slots else q

    def object_platform(self, shared: Shared, platform: str) -> str:
        """The platform a post or account object is keyed on, the sharing row being on `platform`.

        The object's own platform when the format names it. Otherwise a post shared by retweet,
        reply, quote or forward, and a mentioned account, are on the sharer's platform; a post
        object named by a column (CooRTweet's post objects, a table's posts) is one object
        whatever platform each row's account is on, so it is keyed on the file's platform
        (`--platform`): keyed on each row's, a file mixing platforms split it into one object
        per platform and lost the co-shares across them.
        """
        if shared.platform is not None:
            return account_key(shared.platform, "x")[:-2]  # validated, lower case
        if shared.type is ObjectType.POST and shared.via is None:
            return self.platform
        return platform

    def _object(self, shared: Shared, platform: str) -> tuple[str, tuple[Item, ...]]:
        """The object's key and the items it needs besides its share (a URL's domain).

        A URL's key is its normalised form (`urls.normalise_url`), linked to its registered
        domain.
        """
        value = shared.value.strip()
        if shared.type is ObjectType.URL:
            try:
                url = normalise_url(value, bare=self.bare_urls)
            except ValueError as exc:
                if not self.opaque_urls or not value:
                    raise EventError(shared.field, str(exc)) from None
                return value, ()  # an anonymised URL id: a Url without a Domain
            return url.url, (Item("url_domain", {"url": url.url, "domain": url.domain}),)
        if shared.type is ObjectType.ACCOUNT:
            return account_key(platform, value.lstrip("@")), ()
        try:
            return object_key(shared.type.value, platform, value), ()
        except ValueError as exc:
            raise EventError(shared.field, str(exc)) from None

    def accept(self, line: int, event: PostEvent, *, identity: str | None) -> Accepted | Skip:
        """The items of one post, or a `Skip` when it gives nothing to load.

        Raises `EventError` for a field that cannot be loaded (the caller rejects the row).
        """
        if not event.shared and not event.write_post:
            return Skip(line, "no object in any column")
        platform = event.platform or self.platform
        account_id = event.account_id.strip()
        if not account_id:
            raise EventError(event.fields[0], "empty id")
        content_id = event.content_id.strip()
        if not content_id:
            raise EventError(event.fields[1], "empty id")
        actor = account_key(platform, account_id)
        items: list[Item] = [
            Item(
                "actor",
                {
                    "key": actor,
                    "platform": platform,
                    "platform_id": account_id,
                    "hashed": is_hashed_id(platform, account_id),
                },
            )
        ]
        if event.profile:
            items.append(Item("profile", {"key": actor, "props": event.profile}))
        if event.write_post:
            post = account_key(platform, content_id)
            items.append(Item("object:Post", {"key": post, "platform": platform}))
            props = {"platform": platform, "platform_id": content_id, **event.post_props}
            if event.text is not None:
                props["text"] = event.text
            items.append(
                Item(
                    "post", {"key": post, "actor_key": actor, "at_ms": event.at_ms, "props": props}
                )
            )
        shares: list[tuple[str, str]] = []
        for shared in event.shared:
            where = self.object_platform(shared, platform)
            key, extra = self._object(shared, where)
            label = shared.type.value
            endpoint: dict[str, Any] = {"key": key}
            if shared.type in (ObjectType.POST, ObjectType.ACCOUNT):
                endpoint.update(platform=where, platform_id=key.partition(":")[2])
                if shared.type is ObjectType.ACCOUNT:
                    endpoint["hashed"] = is_hashed_id(where, endpoint["platform_id"])
            share = {
                "actor_key": actor,
                "object_key": key,
                "content_id": content_id,
                "at_ms": event.at_ms,
                "via": None if shared.via is None else shared.via.value,
            }
            if shared.type is ObjectType.URL:
                # The spelling the file gave: the node keeps the first one seen, the share
                # its own when it is not the normalised key.
                original = shared.value.strip()
                endpoint["original_url"] = original
                share["original_url"] = None if original == key else original
            items += [Item(f"object:{label}", endpoint), Item(f"share:{label}", share), *extra]
            kind = share_kind(shared.type, None if shared.via is None else shared.via.value)
            shares.append((kind.value, f"{key}\x1f{actor}\x1f{content_id}\x1f{event.at_ms}"))
        return Accepted(
            line,
            tuple(items),
            identity,
            shares=tuple(shares),
            empty=tuple(share_kind(t, None).value for t in event.empty),
        )

    def accept_or_reject(
        self, line: int, event: PostEvent, *, identity: str | None, raw: str
    ) -> Accepted | Skip | Reject:
        """`accept`, with a field that cannot be loaded turned into the row's `Reject`."""
        try:
            return self.accept(line, event, identity=identity)
        except EventError as exc:
            return Reject(line, exc.field, exc.reason, raw)
        except ValueError as exc:
            return Reject(line, "", str(exc), raw)


def time_ms(value: str, column: str) -> int:
    """Epoch seconds (whole or decimal) or an ISO / `%Y-%m-%d %H:%M:%S` time as epoch ms."""
    text = value.strip()
    # the usual case, kept cheap; seconds past the year 9999 are milliseconds, most likely, and
    # `parse_utc` refuses them with that reason
    if text.isascii() and text.isdigit() and len(text) <= 12 and int(text) <= MAX_EPOCH_SECONDS:
        return int(text) * 1000
    try:
        return epoch_ms(parse_utc(text))
    except (ValueError, OverflowError, OSError) as exc:
        raise EventError(column, f"not a timestamp: {exc}") from None


def read_header(path: Path) -> list[str]:
    """A CSV file's column names (stripped), read before anything else, to tell its layout."""
    with open_text(path) as fh:
        try:
            return [h.strip() for h in next(csv.reader(fh), [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LoadError(f"{path}: cannot read the header as UTF-8 CSV ({exc})") from None
