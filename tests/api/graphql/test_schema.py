"""schema.graphql at the repository root is the code's SDL; the test fails when they disagree."""

from __future__ import annotations

from strawberry.permission import PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from cibgraph.api.graphql.ids import EXPOSED
from cibgraph.api.graphql.permissions import IsAnalyst
from cibgraph.api.graphql.query import SEARCHABLE, EntityType
from cibgraph.api.graphql.schema import SDL_PATH, schema, sdl
from cibgraph.api.graphql.types import ENTITY_TYPES, TYPES, MemberKind
from cibgraph.neo4j.schema import (
    ENTITY_LABELS,
    EXPOSED_LABELS,
    MEMBER_LABELS,
    SEARCHABLE_LABELS,
    NodeLabel,
)


def test_schema_file_matches_the_code() -> None:
    assert SDL_PATH.is_file(), "run `cibgraph schema-export`"
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), "run `cibgraph schema-export`"


def test_schema_has_the_relay_node_interface() -> None:
    text = sdl()
    assert "interface Node {" in text
    assert "type Account implements Entity & Annotatable & Node {" in text
    assert 'node(\n    """A global id."""\n    id: ID!\n  ): Node' in text


def test_every_mutation_needs_an_analyst_key() -> None:
    """Permissions are declared on the fields; a mutation without one would let readers write."""
    mutation = schema.get_type_by_name("Mutation")
    assert isinstance(mutation, StrawberryObjectDefinition)
    assert len(mutation.fields) == 9
    for field in mutation.fields:
        assert IsAnalyst in [type(p) for p in _permissions(field)], field.name


def _permissions(field: StrawberryField) -> list[object]:
    return [
        p
        for ext in field.extensions
        if isinstance(ext, PermissionExtension)
        for p in ext.permissions
    ]


def test_api_label_lists_follow_the_label_metadata() -> None:
    assert set(TYPES) == set(EXPOSED_LABELS)
    assert {t.value for t in EntityType} == {
        *(label.value for label in ENTITY_LABELS),
        NodeLabel.NETWORK.value,
    }
    assert [k.value for k in MemberKind] == [label.value for label in MEMBER_LABELS]
    assert {label.value for label in EXPOSED_LABELS} == EXPOSED
    assert set(ENTITY_TYPES) == {label.value for label in ENTITY_LABELS}
    assert {label.value for label in SEARCHABLE_LABELS} == SEARCHABLE
