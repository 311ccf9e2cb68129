"""The neutral investigation bundle: our own documented format for entities and their links.

A bundle is a folder holding any of `<kind>.csv` or `<kind>.jsonl` (optionally `.gz`), one file
per kind (`docs/bundle.md`). Each row is validated by its model in `loaders.bundle_models`; a bad
row becomes a `Reject` naming the field pydantic blamed and why. Link rows merge their endpoint
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

from loaders.base import (
    Accepted,
    Item,
    Loader,
    LoadError,
    Parsed,
    Reject,
    open_text,
    read_csv_rows,
)
from loaders.bundle_models import (
    MODELS,
    AccountRow,
    AttributionRow,
    BundleRow,
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
from loaders.ids import account_key, is_hashed_id, subnet_of

KINDS: tuple[str, ...] = tuple(MODELS)  # dependency order: entities before links

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


# Rows sent to the write queries are flat maps of plain values (the batch writer compares them
# to write a row repeated within a batch only once); a missing optional value is None, and the
# queries keep a known value rather than erase it with None.


def _fields(row: BundleRow) -> dict[str, Any]:
    """Every field of the row, `None` where the file gave no value; times as ISO strings.

    The queries turn the strings back into datetimes: the driver packs a string about four
    times faster than a datetime, which otherwise dominates load time.
    """
    values = {name: getattr(row, name) for name in type(row).model_fields}
    return {k: _iso(v) if isinstance(v, datetime) else v for k, v in values.items()}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _entity(row: AccountRow | PageRow | GroupRow) -> dict[str, Any]:
    values = _fields(row)
    native = values.pop("id")
    return {"key": account_key(row.platform, native), "platform_id": native, **values}


def _accounts(row: AccountRow) -> dict[str, Any]:
    return {**_entity(row), "hashed": is_hashed_id(row.platform, row.id)}


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
        "joined_at": _iso(row.joined_at),
    }


def _follows(row: FollowRow) -> dict[str, Any]:
    return {
        "platform": row.platform,
        "follower_key": account_key(row.platform, row.follower_id),
        "follower_id": row.follower_id,
        "follower_hashed": is_hashed_id(row.platform, row.follower_id),
        "target_type": row.target_type,
        "target_key": account_key(row.platform, row.target_id),
        "target_id": row.target_id,
        "target_hashed": (
            is_hashed_id(row.platform, row.target_id) if row.target_type == "account" else None
        ),
    }


def _ip_version(address: str) -> int:
    return 6 if ":" in address else 4


def _ip_logins(row: IpLoginRow) -> dict[str, Any]:
    return {
        **_member(row.platform, row.account_id),
        "ip": row.ip,
        "ip_version": _ip_version(row.ip),
        "subnet": subnet_of(row.ip),
        "first_seen": _iso(row.first_seen),
        "last_seen": _iso(row.last_seen),
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


# kind → the function that turns its validated row into the write query's row.
_ROWS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "accounts": _accounts,
    "pages": _pages,
    "groups": _groups,
    "page_admins": _page_admins,
    "group_admins": _group_admins,
    "group_members": _group_members,
    "follows": _follows,
    "ip_logins": _ip_logins,
    "attributions": _attributions,
}


class BundleLoader(Loader):
    """Every kind of bundle file; the kind of each file comes from its name."""

    name: ClassVar[str] = "bundle"
    queries: ClassVar[dict[str, tuple[str, ...]]] = {
        kind: (f"load/bundle_{kind}",) for kind in KINDS
    }

    def parse(self, path: Path) -> Iterator[Parsed]:
        kind, fmt = bundle_kind(path)
        if fmt == "csv":
            return self._parse_csv(path, kind)
        return self._parse_jsonl(path, kind)

    def _parse_csv(self, path: Path, kind: str) -> Iterator[Parsed]:
        model = MODELS[kind]
        with open_text(path) as fh:
            rows = read_csv_rows(
                fh, path, required=required_fields(model), optional=optional_fields(model)
            )
            for line, rec in rows:
                if isinstance(rec, Reject):
                    yield rec
                    continue
                raw = ",".join(rec.values())
                # An empty cell is a missing value; CSV cells are text, so validate in lax mode.
                data = {k: v.strip() for k, v in rec.items() if v.strip()}
                try:
                    parsed = model.model_validate(data, strict=False)
                except ValidationError as exc:
                    yield _reject(line, exc, raw)
                    continue
                yield Accepted(line, (Item(kind, _ROWS[kind](parsed)),), "\x1f".join(rec.values()))

    def _parse_jsonl(self, path: Path, kind: str) -> Iterator[Parsed]:
        model = MODELS[kind]
        with open_text(path) as fh:
            line = 0
            while True:
                try:
                    text = fh.readline()
                except UnicodeDecodeError as exc:
                    raise LoadError(f"{path}: line {line + 1} is not UTF-8 ({exc})") from None
                if not text:
                    return
                line += 1
                raw = text.strip()
                if not raw:
                    continue  # a blank line
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield Reject(line, "", f"not JSON: {exc}", raw)
                    continue
                if not isinstance(data, dict):
                    yield Reject(line, "", f"not a JSON object: {type(data).__name__}", raw)
                    continue
                try:
                    parsed = model.model_validate(data, strict=True)
                except ValidationError as exc:
                    yield _reject(line, exc, raw)
                    continue
                yield Accepted(line, (Item(kind, _ROWS[kind](parsed)),), raw)
