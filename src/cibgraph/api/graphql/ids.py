"""Relay global ids: base64 of "Label:key", checked against the labels the API exposes."""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from cibgraph.api.graphql.errors import BadInput
from cibgraph.neo4j.schema import EXPOSED_LABELS

#: Labels a global id may name: entities and records, never ApiKey or Source.
EXPOSED: frozenset[str] = frozenset(label.value for label in EXPOSED_LABELS)
MAX_ID_LENGTH = 2_000
MAX_CURSOR_OFFSET = 1_000_000


class Ref(NamedTuple):
    """A node named by label and key."""

    label: str
    key: str

    def param(self) -> dict[str, str]:
        return {"label": self.label, "key": self.key}


def encode_id(label: str, key: str) -> str:
    return base64.b64encode(f"{label}:{key}".encode()).decode("ascii")


def decode_id(global_id: str, *, expect: set[str] | frozenset[str] | None = None) -> Ref:
    """The (label, key) of a global id, or `BadInput` for anything else."""
    if not isinstance(global_id, str) or not global_id or len(global_id) > MAX_ID_LENGTH:
        raise BadInput("invalid id: not a cibgraph node id")
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadInput("invalid id: not a cibgraph node id") from None
    label, sep, key = text.partition(":")
    if not sep or not key or label not in EXPOSED:
        raise BadInput("invalid id: not a cibgraph node id")
    if expect is not None and label not in expect:
        raise BadInput(f"invalid id: expected an id of {' or '.join(sorted(expect))}, got {label}")
    return Ref(label, key)


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str | None) -> int:
    """The offset after the cursor's item (0 for no cursor), or `BadInput`."""
    if cursor is None:
        return 0
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        kind, _, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeError, ValueError):
        raise BadInput("invalid cursor") from None
    if kind != "offset" or not 0 <= offset <= MAX_CURSOR_OFFSET:
        raise BadInput("invalid cursor")
    return offset + 1
