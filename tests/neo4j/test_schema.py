"""Schema migration: idempotent, complete, and enforced by the server."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from cibgraph.neo4j.schema import (
    CONSTRAINTS,
    NodeLabel,
    apply_schema,
    declared_constraint_names,
    declared_index_names,
)
from cibgraph.settings import Settings


def _names(driver: Driver, settings: Settings, what: str) -> set[str]:
    query = (
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names"
        if what == "constraints"
        else "SHOW INDEXES YIELD name RETURN collect(name) AS names"
    )
    records, _, _ = driver.execute_query(query, database_=settings.neo4j_database)
    return set(records[0]["names"])


def test_every_label_has_a_key_constraint() -> None:
    assert len(CONSTRAINTS) == len(NodeLabel)
    assert "account_key" in declared_constraint_names()
    assert "detection_run_key" in declared_constraint_names()


def test_apply_twice_changes_nothing(driver: Driver, settings: Settings) -> None:
    before = (_names(driver, settings, "constraints"), _names(driver, settings, "indexes"))
    apply_schema(driver, database=settings.neo4j_database)
    after = (_names(driver, settings, "constraints"), _names(driver, settings, "indexes"))
    assert before == after
    assert after[0] == declared_constraint_names()
    assert declared_index_names() <= after[1]


def test_fulltext_index_finds_names_handles_and_descriptions(
    db: Driver, settings: Settings
) -> None:
    db.execute_query(
        "CREATE (:Account {key:'t:1', handle:'hkfreedom88', name:'Lion Rock'}),"
        " (:Page {key:'fb:2', name:'Daily HK', description:'cockroaches everywhere'})",
        database_=settings.neo4j_database,
    )
    records, _, _ = db.execute_query(
        "CALL db.index.fulltext.queryNodes('entity_text', $q) YIELD node RETURN node.key AS key",
        {"q": "cockroaches OR hkfreedom88"},
        database_=settings.neo4j_database,
    )
    assert sorted(r["key"] for r in records) == ["fb:2", "t:1"]


def test_key_uniqueness_is_enforced(db: Driver, settings: Settings) -> None:
    db.execute_query("CREATE (:IP {key:'10.0.0.1'})", database_=settings.neo4j_database)
    with pytest.raises(ConstraintError):
        db.execute_query("CREATE (:IP {key:'10.0.0.1'})", database_=settings.neo4j_database)
