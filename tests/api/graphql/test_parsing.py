"""Each query text is parsed once; a text that does not parse is never remembered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import strawberry
from graphql import DocumentNode
from strawberry.extensions import MaxTokensLimiter, SchemaExtension

from cibgraph.api.graphql import parsing
from cibgraph.api.graphql.parsing import ParsedDocuments

SEEN: list[DocumentNode] = []


class Seen(SchemaExtension):
    """Records the document each execution runs."""

    def on_execute(self) -> Iterator[None]:
        assert self.execution_context.graphql_document is not None
        SEEN.append(self.execution_context.graphql_document)
        yield


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


def _schema(max_tokens: int = 100) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[lambda: MaxTokensLimiter(max_token_count=max_tokens), ParsedDocuments, Seen],
    )


def test_one_text_is_parsed_once_and_shared() -> None:
    parsing._PARSED.clear()
    SEEN.clear()
    schema = _schema()
    query = "query($n: String!) { hello(name: $n) }"
    first = schema.execute_sync(query, variable_values={"n": "a"})
    second = schema.execute_sync(query, variable_values={"n": "b"})
    assert (first.data, second.data) == ({"hello": "hello a"}, {"hello": "hello b"})
    assert SEEN[0] is SEEN[1]
    assert len(parsing._PARSED) == 1
    schema.execute_sync("{ hello }")  # another text, another document
    assert SEEN[2] is not SEEN[0] and len(parsing._PARSED) == 2


def test_the_parse_options_are_part_of_the_key() -> None:
    parsing._PARSED.clear()
    query = "{ a: hello b: hello }"
    assert _schema(100).execute_sync(query).errors is None
    # The same text under a lower token limit is parsed again and refused, not taken from memory.
    refused = _schema(3).execute_sync(query)
    assert refused.errors and "more than 3 tokens" in refused.errors[0].message


def test_a_syntax_error_is_strawberrys_own_and_never_remembered() -> None:
    parsing._PARSED.clear()
    schema = _schema()
    for _ in range(2):
        result = schema.execute_sync("{ hello(")
        assert result.data is None
        assert result.errors and result.errors[0].message.startswith("Syntax Error")
    assert parsing._PARSED == {}


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    parsing._PARSED.clear()
    monkeypatch.setattr(parsing, "PARSED_KEPT", 3)
    schema = _schema()
    for i in range(7):
        assert schema.execute_sync(f'{{ hello(name: "{i}") }}').errors is None
        assert len(parsing._PARSED) <= 3
