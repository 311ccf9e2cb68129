"""The graph's schema: labels, relationship types, constraints and indexes, applied idempotently."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from neo4j import Driver

from cibgraph.neo4j.driver import wait_for_database

logger = logging.getLogger(__name__)


class NodeLabel(StrEnum):
    """Every node label cibgraph writes. Each has a unique, stable string `key`."""

    ACCOUNT = "Account"
    PAGE = "Page"
    GROUP = "Group"
    IP = "IP"
    SUBNET = "Subnet"
    URL = "Url"
    DOMAIN = "Domain"
    HASHTAG = "Hashtag"
    POST = "Post"
    MEDIA = "Media"
    CAMPAIGN = "Campaign"
    SOURCE = "Source"
    DETECTION_RUN = "DetectionRun"
    NETWORK = "Network"
    CASE = "Case"
    NOTE = "Note"
    API_KEY = "ApiKey"


class LabelKind(StrEnum):
    """What a label's nodes are, which decides who may reach them."""

    ENTITY = "entity"  # investigated things: a network can hold them, a case can name them
    RECORD = "record"  # what detections and investigators write: runs, networks, cases, notes
    PROVENANCE = "provenance"  # where data came from: traversals reach it, the API never names it
    INTERNAL = "internal"  # the application's own records (API keys): nothing may reach them


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """One label's metadata: its kind, and whether search and networks cover it."""

    kind: LabelKind
    searchable: bool = False  # in the `entity_text` fulltext index
    member: bool = False  # may be a member of a detected Network (IN_NETWORK)

    @property
    def exposed(self) -> bool:
        """Named by API global ids, look-ups and exports."""
        return self.kind in (LabelKind.ENTITY, LabelKind.RECORD)

    @property
    def internal(self) -> bool:
        """Never reached by traversals, key look-ups or exports."""
        return self.kind is LabelKind.INTERNAL


_E, _R = LabelKind.ENTITY, LabelKind.RECORD

#: The one place that says what each label is; every label list elsewhere derives from it.
LABELS: dict[NodeLabel, LabelInfo] = {
    NodeLabel.ACCOUNT: LabelInfo(_E, searchable=True, member=True),
    NodeLabel.PAGE: LabelInfo(_E, searchable=True, member=True),
    NodeLabel.GROUP: LabelInfo(_E, searchable=True, member=True),
    NodeLabel.IP: LabelInfo(_E),
    NodeLabel.SUBNET: LabelInfo(_E),
    NodeLabel.URL: LabelInfo(_E),
    NodeLabel.DOMAIN: LabelInfo(_E),
    NodeLabel.HASHTAG: LabelInfo(_E),
    NodeLabel.POST: LabelInfo(_E),
    NodeLabel.MEDIA: LabelInfo(_E),
    NodeLabel.CAMPAIGN: LabelInfo(_E, searchable=True),
    NodeLabel.SOURCE: LabelInfo(LabelKind.PROVENANCE),
    NodeLabel.DETECTION_RUN: LabelInfo(_R),
    NodeLabel.NETWORK: LabelInfo(_R),
    NodeLabel.CASE: LabelInfo(_R),
    NodeLabel.NOTE: LabelInfo(_R),
    NodeLabel.API_KEY: LabelInfo(LabelKind.INTERNAL),
}
if set(LABELS) != set(NodeLabel):  # pragma: no cover - a label added without its metadata
    raise RuntimeError(f"labels without metadata: {sorted(set(NodeLabel) - set(LABELS))}")


def _where(keep: Callable[[LabelInfo], bool]) -> tuple[NodeLabel, ...]:
    return tuple(label for label in NodeLabel if keep(LABELS[label]))


#: The application's own records: traversals, key look-ups and exports must not reach them.
INTERNAL_LABELS: frozenset[NodeLabel] = frozenset(_where(lambda i: i.internal))
#: Every label a traversal or an any-label key look-up may reach (declaration order).
TRAVERSABLE_LABELS: tuple[NodeLabel, ...] = _where(lambda i: not i.internal)
#: Labels the API names by global id and exports may start from.
EXPOSED_LABELS: tuple[NodeLabel, ...] = _where(lambda i: i.exposed)
#: Investigated entities (the API's `Entity` interface).
ENTITY_LABELS: tuple[NodeLabel, ...] = _where(lambda i: i.kind is LabelKind.ENTITY)
#: Labels fulltext search covers.
SEARCHABLE_LABELS: tuple[NodeLabel, ...] = _where(lambda i: i.searchable)
#: Labels a detected network may hold.
MEMBER_LABELS: tuple[NodeLabel, ...] = _where(lambda i: i.member)


def label_union(labels: Iterable[NodeLabel]) -> str:
    """A Cypher label disjunction (`Account|Page`) of allow-listed labels."""
    return "|".join(label.value for label in labels)


class RelType(StrEnum):
    """Every relationship type cibgraph writes (the allow-list for traversals)."""

    FOLLOWS = "FOLLOWS"
    ADMIN_OF = "ADMIN_OF"
    MEMBER_OF = "MEMBER_OF"
    USED_IP = "USED_IP"
    IN_SUBNET = "IN_SUBNET"
    POSTED = "POSTED"
    SHARED = "SHARED"
    RETWEETED = "RETWEETED"
    REPLIED_TO = "REPLIED_TO"
    MENTIONED = "MENTIONED"
    ON_DOMAIN = "ON_DOMAIN"
    ATTRIBUTED_TO = "ATTRIBUTED_TO"
    COORDINATED_WITH = "COORDINATED_WITH"
    SHARES_INFRA_WITH = "SHARES_INFRA_WITH"
    COHORT_WITH = "COHORT_WITH"
    CO_ADMIN_WITH = "CO_ADMIN_WITH"
    AUDIENCE_OVERLAP = "AUDIENCE_OVERLAP"
    COPY_PASTE_WITH = "COPY_PASTE_WITH"
    SAME_TEXT_AS = "SAME_TEXT_AS"
    NEAR_DUPLICATE_WITH = "NEAR_DUPLICATE_WITH"
    NEAR_DUPLICATE_OF = "NEAR_DUPLICATE_OF"
    CO_REPLY_WITH = "CO_REPLY_WITH"
    CO_MENTION_WITH = "CO_MENTION_WITH"
    OFFICE_HOURS_WITH = "OFFICE_HOURS_WITH"
    REPURPOSED_WITH = "REPURPOSED_WITH"
    IN_NETWORK = "IN_NETWORK"
    PRODUCED = "PRODUCED"
    ABOUT = "ABOUT"


@dataclass(frozen=True)
class SchemaItem:
    """One named constraint or index, with the idempotent statement that creates it."""

    name: str
    kind: str  # "constraint" or "index"
    statement: str


def _snake(label: NodeLabel) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in label.value).lstrip("_")


def _constraint(label: NodeLabel) -> SchemaItem:
    name = f"{_snake(label)}_key"
    # Both names come from the NodeLabel allow-list, never from input.
    statement = (
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:`{label.value}`) REQUIRE n.key IS UNIQUE"
    )
    return SchemaItem(name, "constraint", statement)


# Every node label has a unique, stable string key: MERGE always runs on a constraint.
CONSTRAINTS: tuple[SchemaItem, ...] = tuple(_constraint(label) for label in NodeLabel)

INDEXES: tuple[SchemaItem, ...] = (
    SchemaItem(
        "account_handle",
        "index",
        "CREATE INDEX account_handle IF NOT EXISTS FOR (n:Account) ON (n.handle)",
    ),
    SchemaItem(
        "account_platform_id",
        "index",
        "CREATE INDEX account_platform_id IF NOT EXISTS "
        "FOR (n:Account) ON (n.platform, n.platform_id)",
    ),
    SchemaItem(
        "account_created_at",
        "index",
        "CREATE INDEX account_created_at IF NOT EXISTS FOR (n:Account) ON (n.created_at)",
    ),
    SchemaItem(
        "page_platform_id",
        "index",
        "CREATE INDEX page_platform_id IF NOT EXISTS FOR (n:Page) ON (n.platform, n.platform_id)",
    ),
    SchemaItem(
        "group_platform_id",
        "index",
        "CREATE INDEX group_platform_id IF NOT EXISTS FOR (n:Group) ON (n.platform, n.platform_id)",
    ),
    SchemaItem(
        "entity_text",
        "index",
        # The labels come from the allow-list above, never from input.
        "CREATE FULLTEXT INDEX entity_text IF NOT EXISTS "
        f"FOR (n:{label_union(SEARCHABLE_LABELS)}) ON EACH [n.name, n.handle, n.description]",
    ),
)


# Indexes an earlier version created and that must go. `shared_at` (a range index on SHARED.at)
# led the planner to scan it for every `MERGE (a)-[:SHARED {at: datetime(...)}]->(o)` instead of
# expanding from the two endpoints: a 100k-row load ran for over 15 minutes.
RETIRED_INDEXES: tuple[str, ...] = ("shared_at",)


def declared_constraint_names() -> set[str]:
    return {c.name for c in CONSTRAINTS}


def declared_index_names() -> set[str]:
    return {i.name for i in INDEXES}


def apply_schema(driver: Driver, *, database: str, timeout: float = 60.0) -> int:
    """Wait for the database, then create every constraint and index that is missing.

    Safe to run at every start-up: each statement is `IF NOT EXISTS`. Returns how many
    statements were sent.
    """
    wait_for_database(driver, database=database, timeout=timeout)
    for name in RETIRED_INDEXES:
        driver.execute_query(f"DROP INDEX {name} IF EXISTS", database_=database)
    items = (*CONSTRAINTS, *INDEXES)
    for item in items:
        driver.execute_query(item.statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes($t)", {"t": int(timeout)}, database_=database)
    logger.info("schema applied: %d constraints, %d indexes", len(CONSTRAINTS), len(INDEXES))
    return len(items)
