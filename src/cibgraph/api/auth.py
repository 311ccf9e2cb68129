"""API keys with roles: created and revoked from the CLI, stored salted and hashed as ApiKey nodes.

A key reads `cib_<id>_<secret>`. Only the id, a random salt and sha256(salt + secret) are stored;
the secret is shown once, when the key is made. The secret is 32 random bytes, so a fast hash is
enough: nothing short enough to guess by brute force is ever hashed. Checking a key costs one
READ query; successful checks are remembered for a few seconds so that a busy UI does not pay it
on every request (a revoked key stops working within `CACHE_SECONDS`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from neo4j import AsyncDriver, Driver

from cibgraph.neo4j.runner import AsyncQueryRunner, QueryRunner

PREFIX = "cib"
CACHE_SECONDS = 10.0
_KEY_SHAPE = re.compile(r"^cib_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


class Role(StrEnum):
    """What a key may do: readers query, analysts also annotate and run detections."""

    READER = "reader"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def can_write(self) -> bool:
        return self is not Role.READER


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of a checked key."""

    key_id: str
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class NewKey:
    key_id: str
    name: str
    role: Role
    token: str  # the full key, shown once


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def create_key(driver: Driver, *, name: str, role: Role, database: str | None = None) -> NewKey:
    """Make a key for `name` with `role`; returns the full key (never stored)."""
    if not _NAME_SHAPE.match(name):
        raise ValueError("a key name is 1-64 letters, digits, spaces or ._@- and starts with one")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    QueryRunner(driver, database=database).write(
        "api/key_create",
        {
            "key": key_id,
            "name": name,
            "role": role.value,
            "salt": salt,
            "hash": _digest(salt, secret),
            "at": datetime.now(UTC),
        },
    )
    return NewKey(key_id, name, role, f"{PREFIX}_{key_id}_{secret}")


def revoke_key(driver: Driver, *, key: str, database: str | None = None) -> list[str]:
    """Revoke the key with this id, or every key with this name; returns the ids revoked."""
    rows = QueryRunner(driver, database=database).write(
        "api/key_revoke", {"key": key, "at": datetime.now(UTC)}
    )
    return [str(r["key"]) for r in rows]


def list_keys(driver: Driver, *, database: str | None = None) -> list[dict[str, Any]]:
    """Every key's id, name, role, creation and revocation time (no hashes)."""
    return QueryRunner(driver, database=database).read("api/key_list", {})


class KeyChecker:
    """Checks presented keys against the graph, remembering good ones briefly."""

    def __init__(self, driver: AsyncDriver, *, database: str, timeout: float = 5.0) -> None:
        self._runner = AsyncQueryRunner(driver, database=database, timeout=timeout)
        self._cache: dict[str, tuple[float, Principal]] = {}

    async def check(self, token: str) -> Principal | None:
        """The key's holder, or None for a malformed, unknown, wrong or revoked key."""
        m = _KEY_SHAPE.match(token)
        if not m:
            return None
        fingerprint = hashlib.sha256(token.encode()).hexdigest()
        cached = self._cache.get(fingerprint)
        now = time.monotonic()
        if cached and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        key_id, secret = m.groups()
        records = await self._runner.read("api/key_lookup", {"key": key_id})
        if not records:
            return None
        r = records[0]
        if r["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(_digest(r["salt"], secret), r["hash"]):
            return None
        principal = Principal(key_id, r["name"], Role(r["role"]))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[fingerprint] = (now, principal)
        return principal


def token_from_headers(authorization: str | None, api_key: str | None) -> str | None:
    """The presented key: `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    if api_key and api_key.strip():
        return api_key.strip()
    return None
