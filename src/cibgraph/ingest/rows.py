"""What parsing hands to writing: accepted rows and their items, rejects, and the load's errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LoadError(ValueError):
    """A file that cannot be loaded at all (wrong header, unreadable archive): nothing written."""


@dataclass(frozen=True)
class Reject:
    """A row that could not be loaded, with where it is and why."""

    line: int
    field: str
    reason: str
    raw: str = ""


@dataclass(frozen=True)
class Item:
    """One thing to write, ready for a write query: `kind` selects the queries it goes to."""

    kind: str
    row: dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    """A valid row of the file and the items it gives (an account, a share, a post ...).

    `identity` is the row's raw text when exact repeats of the row are to be counted as
    duplicates (`DuplicateCounter`); None for rows that are never compared.
    """

    line: int
    items: tuple[Item, ...]
    identity: str | None = None
    # Share events the row gives, as (object type, share identity), and the object types whose
    # cell was empty: `run_load` tallies them per type (`LoadReport.shares`).
    shares: tuple[tuple[str, str], ...] = ()
    empty: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """A valid row that gives nothing to load (a post with no object in any column)."""

    line: int
    reason: str


Parsed = Accepted | Reject | Skip
