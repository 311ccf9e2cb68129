"""schema.graphql at the repository root is the code's SDL; the test fails when they disagree."""

from __future__ import annotations

from cibgraph.api.graphql.schema import SDL_PATH, sdl


def test_schema_file_matches_the_code() -> None:
    assert SDL_PATH.is_file(), "run `cibgraph schema-export`"
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), "run `cibgraph schema-export`"


def test_schema_has_the_relay_node_interface() -> None:
    text = sdl()
    assert "interface Node {" in text
    assert "type Account implements Entity & Annotatable & Node {" in text
    assert 'node(\n    """A global id."""\n    id: ID!\n  ): Node' in text
