"""Schema migration: idempotent, complete, and enforced by the server."""

from __future__ import annotations

import re

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from cibgraph.neo4j.registry import registry
from cibgraph.neo4j.schema import (
    CONSTRAINTS,
    ENTITY_LABELS,
    EXPOSED_LABELS,
    INTERNAL_LABELS,
    MEMBER_LABELS,
    SEARCHABLE_LABELS,
    TRAVERSABLE_LABELS,
    NodeLabel,
    apply_schema,
    declared_constraint_names,
    declared_index_names,
    label_union,
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


# --- label metadata: every label union of the query library derives from it ------------------

#: The queries that match "any node" by key, and which derived label list each must spell out.
LABEL_UNIONS = {
    "api/case_add": EXPOSED_LABELS,
    "api/case_remove": EXPOSED_LABELS,
    "api/entity_annotations": EXPOSED_LABELS,
    "api/entity_campaigns": EXPOSED_LABELS,
    "api/entity_networks": EXPOSED_LABELS,
    "api/nodes_by_ref": EXPOSED_LABELS,
    "api/note_add": EXPOSED_LABELS,
    "api/timeline": EXPOSED_LABELS,
    "export/neighbourhood_ids": EXPOSED_LABELS,
    "investigate/entity_sources": TRAVERSABLE_LABELS,
    "traverse/entities_by_key": TRAVERSABLE_LABELS,
    "traverse/expand_network": TRAVERSABLE_LABELS,
    "traverse/neighbourhood": TRAVERSABLE_LABELS,
    "traverse/network_of": TRAVERSABLE_LABELS,
    "traverse/shortest_paths": TRAVERSABLE_LABELS,
}
_UNION = re.compile(r"\(\w*:((?:\w+\|){4,}\w+)[ )]")


def test_label_unions_in_queries_equal_the_label_metadata() -> None:
    """A label added to NodeLabel (or made internal) must reach every any-label query too."""
    found: dict[str, list[str]] = {}
    for q in registry().values():
        for union in _UNION.findall(q.text):
            found.setdefault(q.name, []).append(union)
    assert sorted(found) == sorted(LABEL_UNIONS)
    for name, unions in found.items():
        assert set(unions) == {label_union(LABEL_UNIONS[name])}, name


def test_label_metadata_lists() -> None:
    assert {NodeLabel.API_KEY} == INTERNAL_LABELS
    assert NodeLabel.SOURCE in TRAVERSABLE_LABELS
    assert NodeLabel.SOURCE not in EXPOSED_LABELS
    assert set(EXPOSED_LABELS) == set(NodeLabel) - {NodeLabel.SOURCE, NodeLabel.API_KEY}
    assert [label.value for label in SEARCHABLE_LABELS] == ["Account", "Page", "Group", "Campaign"]
    assert [label.value for label in MEMBER_LABELS] == ["Account", "Page", "Group"]
    assert len(ENTITY_LABELS) == 11 and NodeLabel.NETWORK not in ENTITY_LABELS
