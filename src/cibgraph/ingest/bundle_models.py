"""The rows of the neutral investigation bundle: one strict pydantic model per kind of file.

A bundle is a folder of `<kind>.csv` or `<kind>.jsonl` files (optionally gzipped), described in
`docs/bundle.md`. Each model here is the contract for one kind: the CSV columns are its fields, a
JSONL line is one of its objects, and `assets/bundle/<kind>.schema.json` is its JSON Schema,
written by `python -m cibgraph.ingest.bundle_models` (a test keeps the files equal to the models).

JSONL objects are validated strictly (numbers must be JSON numbers, ids JSON strings); CSV cells
are text, so the loader validates them in pydantic's lax mode, which parses `"42"` as 42.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PositiveInt,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from cibgraph.ingest.ids import PLATFORMS, normalise_ip
from cibgraph.ingest.values import (
    MAX_INT,
    FieldError,
    check_key,
    check_text,
    date_time_reason,
    parse_utc,
)
from cibgraph.resources import BUNDLE_SCHEMAS

SCHEMA_DIR = BUNDLE_SCHEMAS
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The literal types spell out the allowed values so the JSON Schemas list them; a test checks
# that `Platform` and `cibgraph.ingest.ids.PLATFORMS` agree.
Platform = Literal["facebook", "instagram", "telegram", "tiktok", "twitter", "web", "youtube"]
Access = Literal["vpn", "unblocked", "hosting", "unknown"]
PageRole = Literal["admin", "editor", "moderator", "advertiser", "analyst"]
GroupRole = Literal["admin", "moderator"]
TargetType = Literal["account", "page"]
EntityType = Literal["account", "page", "group", "ip"]

assert frozenset(get_args(Platform)) == PLATFORMS, (
    "Platform must list cibgraph.ingest.ids.PLATFORMS"
)


def _utc(value: Any) -> Any:
    """Turn an ISO 8601 text or epoch seconds into an aware UTC datetime (naive means UTC)."""
    if isinstance(value, bool):
        return value  # let the datetime validator reject it
    if isinstance(value, int | float):
        value = repr(value)
    if isinstance(value, str):
        try:
            return parse_utc(value)
        except (ValueError, OverflowError, OSError) as exc:
            raise ValueError(date_time_reason(value, exc)) from exc
    return value


def _within(check: Callable[[str, str], str]) -> Callable[[str], str]:
    """A `values` check as a pydantic validator (pydantic names the field itself)."""

    def validate(value: str) -> str:
        try:
            return check(value, "")
        except FieldError as exc:
            raise ValueError(exc.reason) from None

    return validate


NativeId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_within(check_key)),
]
Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_within(check_text))]
# Text that is range-indexed (an account's handle) has a key's limit.
IndexedText = Annotated[str, StringConstraints(min_length=1), AfterValidator(_within(check_key))]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
UtcDatetime = Annotated[
    datetime,
    BeforeValidator(_utc),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "description": "ISO 8601 date or date-time (no offset means UTC), or epoch seconds",
        }
    ),
]
IpAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_within(check_key)),
    AfterValidator(normalise_ip),
    WithJsonSchema({"type": "string", "description": "an IPv4 or IPv6 address, stored normalised"}),
]
Language = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(str.lower),
    AfterValidator(_within(check_key)),
]


class BundleRow(BaseModel):
    """What every bundle row shares: strict types, no unknown fields, a kind."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: ClassVar[str]


class AccountRow(BundleRow):
    """An account on a platform, with what the source knows about its profile."""

    kind: ClassVar[str] = "accounts"

    platform: Platform
    id: NativeId = Field(description="the platform's own id (or the archive's hash), verbatim")
    handle: IndexedText | None = None
    name: Text | None = None
    description: Text | None = None
    location: Text | None = None
    profile_url: Text | None = None
    created_at: UtcDatetime | None = None
    followers: Count | None = None
    following: Count | None = None
    language: Language | None = Field(default=None, description="stored lower-case")
    client: Text | None = None


class PageRow(BundleRow):
    """A page (a Facebook page, a Telegram channel ...)."""

    kind: ClassVar[str] = "pages"

    platform: Platform
    id: NativeId
    name: Text | None = None
    description: Text | None = None
    created_at: UtcDatetime | None = None
    followers: Count | None = None


class GroupRow(BundleRow):
    """A group on a platform."""

    kind: ClassVar[str] = "groups"

    platform: Platform
    id: NativeId
    name: Text | None = None
    description: Text | None = None
    created_at: UtcDatetime | None = None
    members: Count | None = None


class PageAdminRow(BundleRow):
    """An account that runs a page, and in which role."""

    kind: ClassVar[str] = "page_admins"

    platform: Platform
    account_id: NativeId
    page_id: NativeId
    role: PageRole | None = Field(default="admin", description="missing or null means admin")


class GroupAdminRow(BundleRow):
    """An account that runs a group, and in which role."""

    kind: ClassVar[str] = "group_admins"

    platform: Platform
    account_id: NativeId
    group_id: NativeId
    role: GroupRole | None = Field(default="admin", description="missing or null means admin")


class GroupMemberRow(BundleRow):
    """An account that is a member of a group, and since when if known."""

    kind: ClassVar[str] = "group_members"

    platform: Platform
    account_id: NativeId
    group_id: NativeId
    joined_at: UtcDatetime | None = None


class FollowRow(BundleRow):
    """An account following another account or a page on the same platform."""

    kind: ClassVar[str] = "follows"

    platform: Platform
    follower_id: NativeId
    target_id: NativeId
    target_type: TargetType


class IpLoginRow(BundleRow):
    """Logins of an account from one IP address: when first and last seen, how often, how."""

    kind: ClassVar[str] = "ip_logins"

    platform: Platform
    account_id: NativeId
    ip: IpAddress
    first_seen: UtcDatetime
    last_seen: UtcDatetime
    count: PositiveInt
    access: Access

    @field_validator("last_seen")
    @classmethod
    def _not_before_first_seen(cls, last_seen: datetime, info: ValidationInfo) -> datetime:
        first_seen = info.data.get("first_seen")
        if isinstance(first_seen, datetime) and first_seen > last_seen:
            raise ValueError(
                f"first_seen {first_seen.isoformat()} is after last_seen {last_seen.isoformat()}"
            )
        return last_seen


class AttributionRow(BundleRow):
    """A published attribution of an account, page, group or IP to a campaign."""

    kind: ClassVar[str] = "attributions"

    entity_type: EntityType
    platform: Platform | None = Field(
        default=None,
        validate_default=True,
        description="required for accounts, pages and groups; empty for an ip",
    )
    entity_id: NativeId = Field(description="the native id, or the IP address for an ip")
    campaign: NativeId = Field(description="the campaign label, e.g. china_082019_1")
    note: Text | None = None

    @field_validator("platform")
    @classmethod
    def _platform_matches_type(cls, platform: str | None, info: ValidationInfo) -> str | None:
        entity_type = info.data.get("entity_type")
        if entity_type == "ip" and platform is not None:
            raise ValueError("an ip has no platform: leave it empty")
        if entity_type in ("account", "page", "group") and platform is None:
            raise ValueError(f"a {entity_type} needs a platform")
        return platform

    @field_validator("entity_id")
    @classmethod
    def _ip_is_normalised(cls, entity_id: str, info: ValidationInfo) -> str:
        if info.data.get("entity_type") == "ip":
            return normalise_ip(entity_id)
        return entity_id


# Dependency order: entities before the links between them.
MODELS: dict[str, type[BundleRow]] = {
    m.kind: m
    for m in (
        AccountRow,
        PageRow,
        GroupRow,
        PageAdminRow,
        GroupAdminRow,
        GroupMemberRow,
        FollowRow,
        IpLoginRow,
        AttributionRow,
    )
}


def required_fields(model: type[BundleRow]) -> tuple[str, ...]:
    return tuple(name for name, f in model.model_fields.items() if f.is_required())


def optional_fields(model: type[BundleRow]) -> tuple[str, ...]:
    return tuple(name for name, f in model.model_fields.items() if not f.is_required())


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one JSONL line of `kind` (also the columns of its CSV)."""
    model = MODELS[kind]
    schema = model.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{kind}.schema.json", **schema}


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def export_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write `<kind>.schema.json` for every kind into `directory`; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MODELS:
        path = directory / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR
    for p in export_schemas(target):
        sys.stdout.write(f"{p}\n")
