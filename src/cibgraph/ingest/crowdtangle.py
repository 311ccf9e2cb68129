"""CrowdTangle's CSV exports (Facebook pages, groups, Instagram) and Meta Content Library's.

The dashboard's export (Historical Data) writes one row per post. A page export names the page
in `Page Name`, a group export in `Group Name`, an Instagram export in `Account`; each has
`User Name` (the handle), `Facebook Id` (the page's or group's id), `Post Created` (`2021-03-01
10:00:00 EST`: the dashboard's time zone as an abbreviation), `Type`, the interaction counts,
`URL` (the post's own address), `Message`, `Link` and `Final Link` (the link after redirects),
and more columns that vary between exports and are not read. Each row becomes:

- the page (a `Page`), group (a `Group`) or Instagram account (an `Account`) as the actor,
  keyed by `Facebook Id` (the handle for an Instagram export without one), with its name,
  handle, category and admin country;
- the post as a Post keyed by its `URL` with its message (an Instagram export's caption is
  its `Description`), type and time, POSTED by the actor;
- a share of the post's link (`Final Link`, else `Link`), normalised, unless it is the post's
  own address (a photo or video post links to itself); each hashtag of the message a share.

Post times are read with the zone they name: an offset (`+0100`) or one of `ZONES`; a zone
name not in that table is a reject, never a guess. An exact repeat of a row is a duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

from cibgraph.ingest.events import (
    EventError,
    EventLoader,
    PostEvent,
    Shared,
    hashtags_in,
    read_header,
    time_ms,
)
from cibgraph.ingest.files import open_text, read_csv_rows
from cibgraph.ingest.rows import LoadError, Parsed, Reject
from cibgraph.ingest.shares import ObjectType
from cibgraph.ingest.urls import normalise_url
from cibgraph.ingest.values import FieldError, check_key, check_text, date_time_reason, epoch_ms

# The zone abbreviations CrowdTangle's dashboard writes (its time zone setting), as offsets.
ZONES: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AEST": 10,
    "AEDT": 11,
    "JST": 9,
    "KST": 9,
    "SGT": 8,
    "HKT": 8,
}
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s*([A-Za-z]+|[+-]\d{2}:?\d{2})?")
ACTORS = {"Page Name": "Page", "Group Name": "Group", "Account": "Account"}
MCL_ACTORS = {"PAGE": "Page", "GROUP": "Group"}  # Meta Content Library's surface / owner types


def post_time_ms(text: str, field: str) -> int:
    """`Post Created` as epoch ms: `YYYY-MM-DD HH:MM[:SS]` and a zone (none: UTC)."""
    match = _TIME.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError("expected YYYY-MM-DD HH:MM:SS and a time zone")
        moment, zone = match.groups()
        dt = datetime.fromisoformat(moment.replace(" ", "T"))
        if zone is None:
            tz: timezone = UTC
        elif zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = timezone(offset if zone[0] == "+" else -offset)
        elif zone.upper() in ZONES:
            tz = timezone(timedelta(hours=ZONES[zone.upper()]))
        else:
            raise ValueError(f"unknown time zone {zone!r} (known: {', '.join(ZONES)})")
        return epoch_ms(dt.replace(tzinfo=tz))
    except ValueError as exc:
        raise FieldError(field, date_time_reason(text, exc)) from None


class CrowdTangleLoader(EventLoader):
    """One CrowdTangle export: pages, groups or Instagram accounts, told by the header."""

    name: ClassVar[str] = "crowdtangle"

    def __init__(self, *, platform: str | None = None) -> None:
        super().__init__(platform=platform or "facebook")
        self._chosen = platform
        self.actor_label = "Page"  # set per file by parse (an instance value, read by writers)

    def parse(self, path: Path) -> Iterator[Parsed]:
        header = read_header(path)
        if "id" in header and "creation_time" in header:
            yield from self._content_library(path, header)
            return
        kinds = [c for c in ACTORS if c in header]
        if len(kinds) != 1 or "Post Created" not in header or "URL" not in header:
            raise LoadError(
                f"{path}: not a CrowdTangle export; expected one of {', '.join(ACTORS)}, and "
                "Post Created, URL, Facebook Id or User Name; or Meta Content Library's id, "
                "creation_time and surface.id or post_owner.id (its columns: "
                f"{', '.join(h[:40] for h in header[:30])})"
            )
        name_column = kinds[0]
        self.actor_label = ACTORS[name_column]
        if self.actor_label == "Account" and self._chosen is None:
            self.platform = "instagram"
        id_column = "Facebook Id" if "Facebook Id" in header else "User Name"
        if id_column not in header:
            raise LoadError(f"{path}: neither Facebook Id nor User Name: no id for the actor")
        required = [name_column, id_column, "Post Created", "URL"]
        optional = [h for h in header if h not in required]
        with open_text(path) as fh:
            rows = read_csv_rows(fh, path, required=required, optional=optional)
            for line, rec in rows:
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in header)
                try:
                    event = self._event(rec, name_column, id_column)
                except (EventError, FieldError) as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)

    def _event(self, rec: dict[str, str], name_column: str, id_column: str) -> PostEvent:
        actor = check_key(rec[id_column].strip(), id_column)
        post_url = check_key(rec["URL"].strip(), "URL")
        at_ms = post_time_ms(rec["Post Created"], "Post Created")
        # An Instagram export has no Message: the caption is its Description.
        text_column = "Message" if "Message" in rec else "Description"
        message = check_text(rec.get(text_column, ""), text_column)
        shared: list[Shared] = []
        link_column = "Final Link" if rec.get("Final Link", "").strip() else "Link"
        link = rec.get(link_column, "").strip()
        if link and not _same(link, post_url):
            shared.append(Shared(ObjectType.URL, check_key(link, link_column), link_column))
        shared += [
            Shared(ObjectType.HASHTAG, check_key(tag, text_column), text_column)
            for tag in hashtags_in(message)
        ]
        profile: dict[str, Any] = {}
        for column, key in (
            (name_column, "name"),
            ("User Name", "handle"),
            ("Page Category", "category"),
            ("Page Admin Top Country", "admin_country"),
        ):
            value = rec.get(column, "").strip()
            if value:
                profile[key] = check_text(value, column)
        props: dict[str, Any] = {"url": post_url}
        if rec.get("Type", "").strip():
            props["type"] = check_text(rec["Type"].strip(), "Type")
        return PostEvent(
            account_id=actor,
            content_id=post_url,
            at_ms=at_ms,
            shared=shared,
            text=message or None,
            post_props=props,
            profile=profile,
            write_post=True,
            fields=(id_column, "URL"),
        )

    def _content_library(self, path: Path, header: list[str]) -> Iterator[Parsed]:
        side = "surface" if "surface.id" in header else "post_owner"
        if f"{side}.id" not in header:
            raise LoadError(
                f"{path}: a Meta Content Library export needs surface.id or post_owner.id "
                "(the actor)"
            )
        required = ["id", "creation_time", f"{side}.id"]
        optional = [h for h in header if h not in required]
        label: str | None = None
        with open_text(path) as fh:
            for line, rec in read_csv_rows(fh, path, required=required, optional=optional):
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec[c] for c in header)
                kind = rec.get(f"{side}.type", "").strip().upper()
                row_label = MCL_ACTORS.get(kind, "Account")
                if label is None:  # the file's first row says what its actors are
                    label = self.actor_label = row_label
                elif row_label != label:
                    reason = (
                        f"a {kind or 'untyped'} {side} in a file of {label}s: split the "
                        f"file by {side}.type"
                    )
                    yield Reject(line, f"{side}.type", reason, raw)
                    continue
                try:
                    event = self._library_event(rec, side)
                except (EventError, FieldError) as exc:
                    yield Reject(line, exc.field, exc.reason, raw)
                    continue
                yield self.accept_or_reject(line, event, identity=raw, raw=raw)

    def _library_event(self, rec: dict[str, str], side: str) -> PostEvent:
        actor = check_key(rec[f"{side}.id"].strip(), f"{side}.id")
        post_id = check_key(rec["id"].strip(), "id")
        at_ms = time_ms(rec["creation_time"], "creation_time")
        text = check_text(rec.get("text", ""), "text")
        shared: list[Shared] = []
        link = rec.get("link_attachment.link", "").strip()
        if link:
            shared.append(
                Shared(
                    ObjectType.URL, check_key(link, "link_attachment.link"), "link_attachment.link"
                )
            )
        reshared = rec.get("shared_post_id", "").strip()
        if reshared:
            shared.append(
                Shared(ObjectType.POST, check_key(reshared, "shared_post_id"), "shared_post_id")
            )
        shared += [
            Shared(ObjectType.HASHTAG, check_key(t, "text"), "text") for t in hashtags_in(text)
        ]
        profile = {
            key: check_text(rec[f"{side}.{column}"].strip(), f"{side}.{column}")
            for column, key in (("name", "name"), ("username", "handle"))
            if rec.get(f"{side}.{column}", "").strip()
        }
        props: dict[str, Any] = {}
        for column, key in (("lang", "language"), ("content_type", "type"), ("mcl_url", "url")):
            if rec.get(column, "").strip():
                props[key] = check_text(rec[column].strip(), column)
        return PostEvent(
            account_id=actor,
            content_id=post_id,
            at_ms=at_ms,
            shared=shared,
            text=text or None,
            post_props=props,
            profile=profile,
            write_post=True,
            fields=(f"{side}.id", "id"),
        )


def _same(link: str, post_url: str) -> bool:
    """Whether a post's link is the post itself (both normalised when they are URLs)."""
    try:
        return normalise_url(link).url == normalise_url(post_url).url
    except ValueError:
        return link == post_url
