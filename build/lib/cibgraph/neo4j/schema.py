"""The graph's schema: labels, relationship types, constraints and indexes, applied idempotently."""

from __future__ import annotations

import logging
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


# Labels that hold the application's own records, never investigated entities: traversals,
# key look-ups and exports must not reach them.
INTERNAL_LABELS: frozenset[NodeLabel] = frozenset({NodeLabel.API_KEY})


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
        "CREATE FULLTEXT INDEX entity_text IF NOT EXISTS "
        "FOR (n:Account|Page|Group|Campaign) ON EACH [n.name, n.handle, n.description]",
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
