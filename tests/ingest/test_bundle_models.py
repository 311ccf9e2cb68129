"""The bundle's row models: strict JSON, lax CSV text, the checks, and the published schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from cibgraph.ingest.bundle_models import (
    MODELS,
    SCHEMA_DIR,
    AccountRow,
    AttributionRow,
    BundleRow,
    FollowRow,
    GroupAdminRow,
    GroupMemberRow,
    IpLoginRow,
    PageAdminRow,
    Platform,
    export_schemas,
    json_schema,
    optional_fields,
    required_fields,
    schema_text,
)
from cibgraph.ingest.ids import PLATFORMS

LOGIN: dict[str, Any] = {
    "platform": "twitter",
    "account_id": "1001",
    "ip": "203.0.113.7",
    "first_seen": "2019-08-01T00:00:00Z",
    "last_seen": "2019-08-10T00:00:00Z",
    "count": 4,
    "access": "vpn",
}


def _errors(model: type[BundleRow], data: dict[str, Any], *, strict: bool = True) -> list[Any]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, strict=strict)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in info.value.errors()]


def test_platforms_match_the_key_function() -> None:
    assert frozenset(get_args(Platform)) == PLATFORMS


def test_kinds_in_dependency_order() -> None:
    assert list(MODELS) == [
        "accounts",
        "pages",
        "groups",
        "page_admins",
        "group_admins",
        "group_members",
        "follows",
        "ip_logins",
        "attributions",
    ]


def test_columns_come_from_the_fields() -> None:
    assert required_fields(AccountRow) == ("platform", "id")
    assert optional_fields(AccountRow) == (
        "handle",
        "name",
        "description",
        "location",
        "profile_url",
        "created_at",
        "followers",
        "following",
        "language",
        "client",
    )
    assert required_fields(IpLoginRow) == (
        "platform",
        "account_id",
        "ip",
        "first_seen",
        "last_seen",
        "count",
        "access",
    )
    assert required_fields(AttributionRow) == ("entity_type", "entity_id", "campaign")
    assert optional_fields(AttributionRow) == ("platform", "note")


def test_schema_files_on_disk_are_the_exported_schemas() -> None:
    on_disk = {p.name for p in SCHEMA_DIR.glob("*.schema.json")}
    assert on_disk == {f"{kind}.schema.json" for kind in MODELS}
    for kind in MODELS:
        path = SCHEMA_DIR / f"{kind}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(kind), (
            f"{path} is stale: run `python -m cibgraph.ingest.bundle_models`"
        )
        assert json.loads(path.read_text(encoding="utf-8")) == json_schema(kind)


def test_export_writes_one_schema_per_kind(tmp_path: Any) -> None:
    written = export_schemas(tmp_path)
    assert [p.name for p in written] == [f"{k}.schema.json" for k in MODELS]
    schema = json.loads((tmp_path / "ip_logins.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert schema["required"] == [
        "platform",
        "account_id",
        "ip",
        "first_seen",
        "last_seen",
        "count",
        "access",
    ]
    assert schema["properties"]["access"]["enum"] == ["vpn", "unblocked", "hosting", "unknown"]
    assert schema["properties"]["count"] == {
        "exclusiveMinimum": 0,
        "title": "Count",
        "type": "integer",
    }


def test_account_from_csv_text_is_parsed_and_normalised() -> None:
    row = AccountRow.model_validate(
        {
            "platform": "twitter",
            "id": " 1001 ",
            "followers": "120",
            "created_at": "2017-08-30 09:02:03+08:00",
            "language": "zh-CN",
        },
        strict=False,
    )
    assert row.id == "1001"
    assert row.followers == 120
    assert row.created_at == datetime(2017, 8, 30, 1, 2, 3, tzinfo=UTC)
    assert row.created_at is not None and row.created_at.utcoffset() is not None
    assert row.language == "zh-cn"
    assert row.handle is None


def test_timestamps_naive_date_and_epoch_are_utc() -> None:
    base = {"platform": "facebook", "account_id": "1", "group_id": "2"}
    naive = GroupMemberRow.model_validate({**base, "joined_at": "2019-07-01T12:00:00"})
    assert naive.joined_at == datetime(2019, 7, 1, 12, tzinfo=UTC)
    date_only = GroupMemberRow.model_validate({**base, "joined_at": "2019-07-01"})
    assert date_only.joined_at == datetime(2019, 7, 1, tzinfo=UTC)
    epoch = GroupMemberRow.model_validate({**base, "joined_at": 1561982400})
    assert epoch.joined_at == datetime(2019, 7, 1, 12, tzinfo=UTC)


def test_json_is_strict_about_types() -> None:
    assert _errors(AccountRow, {"platform": "twitter", "id": "1", "followers": "12"}) == [
        ("followers", "Input should be a valid integer")
    ]
    assert _errors(AccountRow, {"platform": "twitter", "id": 1}) == [
        ("id", "Input should be a valid string")
    ]
    assert _errors(AccountRow, {"platform": "Twitter", "id": "1"}) == [
        (
            "platform",
            "Input should be 'facebook', 'instagram', 'telegram', 'tiktok', 'twitter', 'web' "
            "or 'youtube'",
        )
    ]


def test_unknown_and_missing_fields_are_errors() -> None:
    assert _errors(FollowRow, {"platform": "twitter", "follower_id": "1", "target_id": "2"}) == [
        ("target_type", "Field required")
    ]
    assert _errors(AccountRow, {"platform": "twitter", "id": "1", "screen_name": "x"}) == [
        ("screen_name", "Extra inputs are not permitted")
    ]


def test_ip_login_is_normalised_and_checked() -> None:
    v6 = IpLoginRow.model_validate({**LOGIN, "ip": " 2001:DB8:0:0::1 "})
    assert v6.ip == "2001:db8::1"
    assert _errors(IpLoginRow, {**LOGIN, "ip": "999.1.2.3"}) == [
        ("ip", "Value error, '999.1.2.3' does not appear to be an IPv4 or IPv6 address")
    ]
    assert _errors(IpLoginRow, {**LOGIN, "first_seen": "2019-08-11"}) == [
        (
            "last_seen",
            "Value error, first_seen 2019-08-11T00:00:00+00:00 is after last_seen "
            "2019-08-10T00:00:00+00:00",
        )
    ]
    assert _errors(IpLoginRow, {**LOGIN, "count": 0}) == [
        ("count", "Input should be greater than 0")
    ]
    assert _errors(IpLoginRow, {**LOGIN, "access": "tor"}) == [
        ("access", "Input should be 'vpn', 'unblocked', 'hosting' or 'unknown'")
    ]
    assert _errors(IpLoginRow, {**LOGIN, "last_seen": "2019-13-01"}) == [
        ("last_seen", "Value error, not a date/time: '2019-13-01' (month must be in 1..12)")
    ]


def test_roles_default_to_admin_and_are_checked() -> None:
    page = PageAdminRow.model_validate({"platform": "facebook", "account_id": "1", "page_id": "2"})
    assert page.role == "admin"
    # JSON writers often put null for a missing value: the loader then writes the default.
    assert PageAdminRow.model_validate({**page.model_dump(), "role": None}).role is None
    group = {"platform": "facebook", "account_id": "1", "group_id": "2"}
    assert _errors(GroupAdminRow, {**group, "role": "editor"}) == [
        ("role", "Input should be 'admin' or 'moderator'")
    ]


def test_attribution_platform_depends_on_the_entity_type() -> None:
    ip = AttributionRow.model_validate(
        {"entity_type": "ip", "entity_id": "2001:DB8::9", "campaign": "c1"}
    )
    assert (ip.platform, ip.entity_id) == (None, "2001:db8::9")
    assert _errors(
        AttributionRow,
        {"entity_type": "ip", "platform": "web", "entity_id": "1.2.3.4", "campaign": "c1"},
    ) == [("platform", "Value error, an ip has no platform: leave it empty")]
    assert _errors(AttributionRow, {"entity_type": "page", "entity_id": "9", "campaign": "c1"}) == [
        ("platform", "Value error, a page needs a platform")
    ]
    assert _errors(
        AttributionRow, {"entity_type": "ip", "entity_id": "not-an-ip", "campaign": "c1"}
    ) == [("entity_id", "Value error, 'not-an-ip' does not appear to be an IPv4 or IPv6 address")]
