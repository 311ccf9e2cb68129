"""Telegram Desktop's JSON export (`result.json`): a channel's or chat's messages, streamed.

Telegram Desktop (Settings, Advanced, Export Telegram data, format "Machine-readable JSON")
writes one JSON document: for one chat `{"name", "type", "id", "messages": [...]}`, for a whole
account `{"chats": {"list": [{"name", "type", "id", "messages": [...]}, ...]}, ...}`; both are
read. A message (`"type": "message"`) has `id` (numbered within its chat), `date` (the
exporting machine's local time) and in newer exports `date_unixtime` (epoch seconds, preferred),
`from` / `from_id` (`channel123…`, `user123…`), `forwarded_from` (the original's author, by
name) and `text`: a string, or a list of strings and entity objects; `text_entities` lists the
same entities with their `type` (`plain`, `link`, `text_link` with `href`, `hashtag`,
`mention`, ...). Each message becomes:

- its author (`from_id`, else the chat itself: `channel<id>`) as a telegram Account named by
  `from`, and the message as a Post `telegram:<chat id>/<message id>` with its text (the
  concatenated text parts) and time;
- a forward: a share of the original post (`via: forward`). The export does not give the
  original message's id, so the original is keyed by what it does give, its author's name and a
  digest of the text (`telegram:fwd:<forwarded_from>:<sha1>`): two channels forwarding one
  original message share one object;
- each link (`link` entities, a bare `t.me/x` read as https, and `text_link` hrefs) a share of
  the normalised URL, each `hashtag` a hashtag share, each `mention` a share of the account
  (`telegram:<username>`; a `mention_name`, a user without a username, `telegram:user<id>` as
  `from_id` names users).

Service messages (`"type": "service"`: joins, pins, ...) are skipped and counted. The document
is read twice with ijson, a streaming parser: once to check that all of it is JSON holding
messages (so a damaged file writes nothing), once to load; memory stays small whatever its size.
A reject's line is the message's position in the file (1 = the first message), not a text line:
a JSON export has no rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import ijson
from ijson.common import ObjectBuilder

from cibgraph.ingest.events import EventError, EventLoader, PostEvent, Shared, time_ms
from cibgraph.ingest.files import open_bytes
from cibgraph.ingest.rows import LoadError, Parsed, Reject, Skip
from cibgraph.ingest.shares import ObjectType, ShareKind
from cibgraph.ingest.values import FieldError, check_key, check_text

_MESSAGE = "messages.item"
_RAW = 2_000
_LINK_TYPES = ("link", "url")


def _chat_prefix(prefix: str) -> str:
    """`chats.list.item.` for `chats.list.item.messages.item`; `` for a one-chat export."""
    return prefix[: -len(_MESSAGE)]


def _messages(path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    """Each message with its chat's `name`, `type` and `id` (read before its messages)."""
    chats: dict[str, dict[str, Any]] = {}
    builder: ObjectBuilder | None = None
    depth = 0
    with open_bytes(path) as data:
        for prefix, event, value in ijson.parse(data, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        chat = chats.get(_chat_prefix(prefix), {})
                        yield chat, builder.value
                        builder = None
                continue
            if prefix.endswith(_MESSAGE) and (
                prefix == _MESSAGE or prefix.endswith("." + _MESSAGE)
            ):
                builder = ObjectBuilder()
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth = 1
                else:  # a scalar where a message belongs
                    yield chats.get(_chat_prefix(prefix), {}), builder.value
                    builder = None
                continue
            head, _, key = prefix.rpartition(".")
            if key in ("name", "type", "id") and event in ("string", "number"):
                chats.setdefault(f"{head}." if head else "", {})[key] = value


def _check(path: Path) -> None:
    """Read the whole document once: JSON all through, with a `messages` list somewhere."""
    found = False
    try:
        with open_bytes(path) as data:
            for prefix, event, _ in ijson.parse(data):
                if event == "start_array" and (
                    prefix == "messages" or prefix.endswith(".messages")
                ):
                    found = True
    except ijson.JSONError as exc:
        raise LoadError(
            f"{path}: not a JSON document ({' '.join(str(exc).split())[:200]}); nothing was "
            "loaded: expected Telegram Desktop's JSON export (result.json)"
        ) from None
    if not found:
        raise LoadError(
            f"{path}: no messages list; expected Telegram Desktop's JSON export (result.json: "
            "name, type, id, messages)"
        )


def _text(value: Any) -> str:
    """A message's text: a string, or the texts of a list of strings and entity objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in value
            if isinstance(part, str | dict)
        )
    return ""


def _entities(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = message.get("text_entities")
    if not isinstance(found, list):  # older exports: the entities only inside `text`
        text = message.get("text")
        found = text if isinstance(text, list) else []
    return [e for e in found if isinstance(e, dict)]


def _id(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise FieldError(field, "missing" if value is None else f"not an id: {str(value)[:80]!r}")
    return check_key(str(value).strip(), field)


class TelegramLoader(EventLoader):
    """Messages of a Telegram Desktop export, as telegram posts and share events."""

    name: ClassVar[str] = "telegram"
    bare_urls: ClassVar[bool] = True  # link entities are written as typed: `t.me/x`

    def __init__(self) -> None:
        super().__init__(platform="telegram")

    def parse(self, path: Path) -> Iterator[Parsed]:
        _check(path)
        for position, (chat, message) in enumerate(_messages(path), start=1):
            try:
                raw = json.dumps(message, ensure_ascii=False, default=str)[:_RAW]
            except RecursionError:
                yield Reject(position, "", "nested too deeply", "")
                continue
            if not isinstance(message, dict):
                yield Reject(position, "", "a message is not a JSON object", raw)
                continue
            if message.get("type", "message") != "message":
                yield Skip(position, f"{message.get('type')} message")
                continue
            try:
                event = self._event(chat, message)
            except (EventError, FieldError) as exc:
                yield Reject(position, exc.field, exc.reason, raw)
                continue
            yield self.accept_or_reject(
                position, event, identity=f"message\x1f{event.content_id}", raw=raw
            )

    def _event(self, chat: dict[str, Any], message: dict[str, Any]) -> PostEvent:
        chat_id = _id(chat.get("id"), "id (chat)")
        message_id = _id(message.get("id"), "id")
        unix = message.get("date_unixtime")
        if isinstance(unix, str | int) and str(unix).strip():
            at_ms = time_ms(str(unix), "date_unixtime")
        elif isinstance(message.get("date"), str):
            at_ms = time_ms(message["date"], "date")
        else:
            raise FieldError("date", "missing")
        from_id = message.get("from_id")
        author = _id(from_id, "from_id") if from_id is not None else f"channel{chat_id}"
        text = check_text(_text(message.get("text")), "text")
        shared: list[Shared] = []
        forwarded = message.get("forwarded_from")
        if isinstance(forwarded, str) and forwarded.strip():
            digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
            original = check_key(f"fwd:{forwarded.strip()}:{digest}", "forwarded_from")
            shared.append(Shared(ObjectType.POST, original, "forwarded_from", ShareKind.FORWARD))
        links: dict[str, None] = {}
        tags: dict[str, None] = {}
        mentions: dict[str, None] = {}
        for entity in _entities(message):
            kind, value = entity.get("type"), entity.get("text")
            if kind == "text_link":
                value = entity.get("href")
            if not isinstance(value, str) or not value.strip():
                continue
            if kind in _LINK_TYPES or kind == "text_link":
                links[value.strip()] = None
            elif kind == "hashtag":
                tags[value.strip().lstrip("#").lower()] = None
            elif kind == "mention":
                mentions[value.strip().lstrip("@")] = None
            elif kind == "mention_name" and isinstance(entity.get("user_id"), int | str):
                mentions[f"user{entity['user_id']}"] = None  # no username: by id, as from_id
        shared += [
            Shared(ObjectType.URL, check_key(u, "text_entities"), "text_entities") for u in links
        ]
        shared += [
            Shared(ObjectType.HASHTAG, check_key(t, "text_entities"), "text_entities")
            for t in tags
            if t
        ]
        shared += [
            Shared(ObjectType.ACCOUNT, check_key(m, "text_entities"), "text_entities")
            for m in mentions
            if m
        ]
        name = message.get("from")
        profile = {"name": check_text(name, "from")} if isinstance(name, str) and name else {}
        if from_id is None and isinstance(chat.get("name"), str) and chat["name"]:
            profile = {"name": check_text(chat["name"], "name")}
        return PostEvent(
            account_id=author,
            content_id=f"{chat_id}/{message_id}",
            at_ms=at_ms,
            shared=shared,
            text=text,
            post_props={"is_retweet": bool(shared and shared[0].via is ShareKind.FORWARD)},
            profile=profile,
            write_post=True,
            fields=("from_id", "id"),
        )
