"""The neutral investigation bundle: our own documented format for entities and their links.

A bundle is a folder holding any of `<kind>.csv` or `<kind>.jsonl` (optionally `.gz`), one file
per kind (`docs/bundle.md`). Each row is validated by its model in `bundle_models`; a bad row
becomes a `Reject` naming the field pydantic blamed and why. Link rows merge their endpoint
nodes by key, so a `follows` file loads on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from cibgraph.ingest.base import Accepted, Item, Loader, LoadError, Parsed, Reject
from cibgraph.ingest.bundle_models import (
    MODELS,
    AccountRow,
    AttributionRow,
    FollowRow,
    GroupAdminRow,
    GroupMemberRow,
    GroupRow,
    IpLoginRow,
    PageAdminRow,
    PageRow,
    optional_fields,
    required_fields,
)
from cibgraph.ingest.files import MAX_LINE_CHARS, open_text, read_csv_rows
from cibgraph.ingest.ids import account_key, is_hashed_id, subnet_of
from cibgraph.ingest.values import epoch_ms
from cibgraph.neo4j.registry import NamedQuery, get_query

KINDS: tuple[str, ...] = tuple(MODELS)  # dependency order: entities before links

# The free-text columns, the only ones whose cells may hold a newline.
MULTILINE = frozenset({"name", "description", "location", "note"})
_FILE_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<format>csv|jsonl)(?:\.gz)?$")
_DATA_SUFFIXES = (".csv", ".jsonl", ".csv.gz", ".jsonl.gz")


def bundle_kind(path: Path) -> tuple[str, str]:
    """The kind and format (`csv` or `jsonl`) a file's name declares, or `LoadError`."""
    m = _FILE_NAME.match(path.name.lower())
    if not m or m.group("kind") not in MODELS:
        raise LoadError(
            f"{path}: not a bundle file name; expected <kind>.csv or <kind>.jsonl (optionally "
            f".gz) with kind one of: {', '.join(KINDS)}"
        )
    return m.group("kind"), m.group("format")


def check_header(path: Path) -> None:
    """Raise `LoadError` now if a CSV file's header is wrong or a file does not open."""
    kind, fmt = bundle_kind(path)
    model = MODELS[kind]
    with open_text(path) as fh:
        if fmt == "jsonl":
            fh.readline()  # JSONL has no header; this checks the file (or gzip) opens
            return
        rows = read_csv_rows(
            fh, path, required=required_fields(model), optional=optional_fields(model)
        )
        next(rows, None)  # reading the first row checks the header


def bundle_files(paths: Iterable[Path]) -> list[Path]:
    """Expand bundle folders, check every name and CSV header, and order files by kind.

    Every check runs before anything is loaded, so a wrong name or header anywhere in the bundle
    stops the load with nothing written. In a folder, files that do not look like data (a
    README, the schemas) are ignored; a data file of an unknown kind is an error, never skipped.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(_DATA_SUFFIXES)
            )
            if not inside:
                raise LoadError(
                    f"{path}: no bundle files; expected <kind>.csv or <kind>.jsonl with kind one "
                    f"of: {', '.join(KINDS)}"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise LoadError(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    for path in unique:
        check_header(path)
    return sorted(unique, key=lambda p: KINDS.index(bundle_kind(p)[0]))


def _reject(line: int, exc: ValidationError, raw: str) -> Reject:
    """One reject per row: the fields pydantic blamed, and its messages."""
    errors = exc.errors(include_url=False)
    fields: list[str] = []
    reasons: list[str] = []
    for e in errors:
        name = ".".join(str(part) for part in e["loc"])
        if name not in fields:
            fields.append(name)
        msg = e["msg"].removeprefix("Value error, ")
        reasons.append(msg if len(errors) == 1 else f"{name or 'row'}: {msg}")
    return Reject(line, ",".join(fields), "; ".join(reasons), raw)


# Rows sent to the write queries are maps of plain values; a missing optional value is None
# (or left out of an entity's props), and the queries keep a known value rather than erase it.
# Times go as epoch milliseconds, as in every loader (`values.epoch_ms`).


def _ms(value: datetime | None) -> int | None:
    return None if value is None else epoch_ms(value)


def _entity(row: AccountRow | PageRow | GroupRow) -> dict[str, Any]:
    """An account, page or group: its key, creation time, and the fields that have a value."""
    props = row.model_dump(exclude_none=True, exclude={"id", "created_at"})
    props["platform_id"] = row.id
    return {
        "key": account_key(row.platform, row.id),
        "created_at_ms": _ms(row.created_at),
        "props": props,
    }


def _accounts(row: AccountRow) -> dict[str, Any]:
    entity = _entity(row)
    entity["props"]["hashed"] = is_hashed_id(row.platform, row.id)
    return entity


def _pages(row: PageRow) -> dict[str, Any]:
    return _entity(row)


def _groups(row: GroupRow) -> dict[str, Any]:
    return _entity(row)


def _member(platform: str, account_id: str) -> dict[str, Any]:
    """The account end of a link row: its key, id and whether the id is a hash."""
    return {
        "platform": platform,
        "account_key": account_key(platform, account_id),
        "account_id": account_id,
        "hashed": is_hashed_id(platform, account_id),
    }


def _page_admins(row: PageAdminRow) -> dict[str, Any]:
    return {
        **_member(row.platform, row.account_id),
        "page_key": account_key(row.platform, row.page_id),
        "page_id": row.page_id,
        "role": row.role or "admin",
    }


def _group_admins(row: GroupAdminRow) -> dict[str, Any]:
    return {
        **_member(row.platform, row.account_id),
        "group_key": account_key(row.platform, row.group_id),
        "group_id": row.group_id,
        "role": row.role or "admin",
    }


def _group_members(row: GroupMemberRow) -> dict[str, Any]:
    return {
        **_member(row.platform, row.account_id),
        "group_key": account_key(row.platform, row.group_id),
        "group_id": row.group_id,
        "joined_at_ms": _ms(row.joined_at),
    }


def _endpoint(kind: str, platform: str, native: str) -> Item:
    """An `account` or `page` node a link row names, for load/endpoints."""
    row: dict[str, Any] = {
        "key": account_key(platform, native),
        "platform": platform,
        "platform_id": native,
    }
    if kind == "account":
        row["hashed"] = is_hashed_id(platform, native)
    return Item(kind, row)


def _follows(row: FollowRow) -> tuple[Item, ...]:
    """The follower, the followed account or page, and the FOLLOWS between them."""
    follower = _endpoint("account", row.platform, row.follower_id)
    target = _endpoint(row.target_type, row.platform, row.target_id)
    link = {"follower_key": follower.row["key"], "target_key": target.row["key"]}
    return (follower, target, Item(f"follows_{row.target_type}", link))


def _ip_version(address: str) -> int:
    return 6 if ":" in address else 4


def _ip_logins(row: IpLoginRow) -> dict[str, Any]:
    return {
        **_member(row.platform, row.account_id),
        "ip": row.ip,
        "ip_version": _ip_version(row.ip),
        "subnet": subnet_of(row.ip),
        "first_seen_ms": _ms(row.first_seen),
        "last_seen_ms": _ms(row.last_seen),
        "count": row.count,
        "access": row.access,
    }


def _attributions(row: AttributionRow) -> dict[str, Any]:
    common = {"entity_type": row.entity_type, "campaign": row.campaign, "note": row.note}
    if row.entity_type == "ip":
        address = row.entity_id
        return {
            **common,
            "entity_key": address,
            "ip_version": _ip_version(address),
            "subnet": subnet_of(address),
        }
    assert row.platform is not None  # the model requires one for accounts, pages and groups
    hashed = is_hashed_id(row.platform, row.entity_id) if row.entity_type == "account" else None
    return {
        **common,
        "entity_key": account_key(row.platform, row.entity_id),
        "platform": row.platform,
        "platform_id": row.entity_id,
        "hashed": hashed,
    }


def _one(kind: str, to_row: Callable[[Any], dict[str, Any]]) -> Callable[[Any], tuple[Item, ...]]:
    return lambda row: (Item(kind, to_row(row)),)


# file kind → the function that turns its validated row into the items to write.
_ITEMS: dict[str, Callable[[Any], tuple[Item, ...]]] = {
    "accounts": _one("accounts", _accounts),
    "pages": _one("pages", _pages),
    "groups": _one("groups", _groups),
    "page_admins": _one("page_admins", _page_admins),
    "group_admins": _one("group_admins", _group_admins),
    "group_members": _one("group_members", _group_members),
    "follows": _follows,
    "ip_logins": _one("ip_logins", _ip_logins),
    "attributions": _one("attributions", _attributions),
}

# item kind → the labels its queries' slots take.
_LABELS: dict[str, dict[str, str]] = {
    "accounts": {"entity": "Account"},
    "pages": {"entity": "Page"},
    "groups": {"entity": "Group"},
    "account": {"node": "Account"},
    "page": {"node": "Page"},
    "follows_account": {"target": "Account"},
    "follows_page": {"target": "Page"},
}


class BundleLoader(Loader):
    """Every kind of bundle file; the kind of each file comes from its name."""

    name: ClassVar[str] = "bundle"
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        "accounts": ("load/bundle_entities",),
        "pages": ("load/bundle_entities",),
        "groups": ("load/bundle_entities",),
        "account": ("load/endpoints",),
        "page": ("load/endpoints",),
        "page_admins": ("load/bundle_page_admins",),
        "group_admins": ("load/bundle_group_admins",),
        "group_members": ("load/bundle_group_members",),
        "follows_account": ("load/bundle_follows",),
        "follows_page": ("load/bundle_follows",),
        "ip_logins": ("load/bundle_ip_logins",),
        "attributions": ("load/bundle_attributions",),
    }
    node_kinds: ClassVar[frozenset[str]] = frozenset(
        {"accounts", "pages", "groups", "account", "page"}
    )
    endpoint_kinds: ClassVar[frozenset[str]] = frozenset({"account", "page"})

    def query(self, kind: str, name: str) -> NamedQuery:
        q = get_query(name)
        return q.bind(**_LABELS[kind]) if q.label_slots else q

    def parse(self, path: Path) -> Iterator[Parsed]:
        kind, fmt = bundle_kind(path)
        if fmt == "csv":
            return self._parse_csv(path, kind)
        return self._parse_jsonl(path, kind)

    def _parse_csv(self, path: Path, kind: str) -> Iterator[Parsed]:
        model = MODELS[kind]
        with open_text(path) as fh:
            rows = read_csv_rows(
                fh,
                path,
                required=required_fields(model),
                optional=optional_fields(model),
                multiline=MULTILINE,
            )
            for line, rec in rows:
                if isinstance(rec, Reject):
                    yield rec
                    continue
                # An empty cell is a missing value; CSV cells are text, so validate in lax mode.
                data = {k: cell for k, v in rec.items() if (cell := v.strip())}
                try:
                    parsed = model.model_validate(data, strict=False)
                except ValidationError as exc:
                    yield _reject(line, exc, ",".join(rec.values()))
                    continue
                yield Accepted(line, _ITEMS[kind](parsed), "\x1f".join(rec.values()))

    def _parse_jsonl(self, path: Path, kind: str) -> Iterator[Parsed]:
        model = MODELS[kind]
        with open_text(path) as fh:
            line = 0
            # run_load checked the file's UTF-8 before it called parse.
            while text := fh.readline(MAX_LINE_CHARS):
                line += 1
                if len(text) >= MAX_LINE_CHARS and not text.endswith(("\n", "\r")):
                    while (rest := fh.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                        pass
                    reason = f"line longer than {MAX_LINE_CHARS:,} characters"
                    yield Reject(line, "", reason, text)
                    continue
                raw = text.strip()
                if not raw:
                    continue  # a blank line
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield Reject(line, "", f"not JSON: {exc}", raw)
                    continue
                except RecursionError:
                    yield Reject(line, "", "JSON nested too deeply", raw)
                    continue
                if not isinstance(data, dict):
                    yield Reject(line, "", f"not a JSON object: {type(data).__name__}", raw)
                    continue
                try:
                    parsed = model.model_validate(data, strict=True)
                except ValidationError as exc:
                    yield _reject(line, exc, raw)
                    continue
                yield Accepted(line, _ITEMS[kind](parsed), raw)
