"""The one-pass completion of flat lists answers exactly as graphql-core does, errors included."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from cibgraph.api.graphql import execution
from cibgraph.api.graphql.execution import FlatListExecutor
from cibgraph.api.graphql.schema import schema as api_schema
from cibgraph.api.graphql.types import GraphEdge


@strawberry.enum
class Kind(enum.Enum):
    A = "a"
    B = "b"


@strawberry.type
class Row:
    id: strawberry.ID
    n: int
    label: str | None
    kind: Kind
    score: float = 0.5

    @strawberry.field
    def doubled(self) -> int:  # a resolver of ours: never on the one-pass path
        return self.n * 2


@strawberry.type
class Holder:
    rows: list[Row]


def _rows(count: int, *, broken: int | None = None) -> list[Row]:
    rows = [
        Row(id=strawberry.ID(f"r{i}"), n=i, label=None if i % 3 else f"x{i}", kind=Kind.A)
        for i in range(count)
    ]
    if broken is not None:
        rows[broken].n = None  # type: ignore[assignment]  # null in a non-null field
    return rows


@strawberry.type
class Query:
    @strawberry.field
    def rows(self, count: int = 40, broken: int | None = None) -> list[Row]:
        return _rows(count, broken=broken)

    @strawberry.field
    async def later(self, count: int = 40) -> list[Row]:
        return _rows(count)

    @strawberry.field
    def maybe(self) -> list[Row | None]:
        return [None, *_rows(30)]

    @strawberry.field
    def holders(self) -> list[Holder]:
        return [Holder(rows=_rows(20)) for _ in range(20)]

    @strawberry.field
    def edges(self) -> list[GraphEdge]:
        return [
            GraphEdge(
                id=f"e{i}",
                type="COORDINATED_WITH",
                source=strawberry.ID(f"a{i}"),
                target=strawberry.ID(f"b{i}"),
                properties={"weight": i, "at": None},
            )
            for i in range(2_000)
        ]


PLAIN = strawberry.Schema(query=Query)
FLAT = strawberry.Schema(query=Query, execution_context_class=FlatListExecutor)

QUERIES = [
    "{ rows { id n label kind score } }",
    "{ rows { a: n b: n __typename ...F } } fragment F on Row { kind label }",
    "query($s: Boolean!) { rows { id n @skip(if: $s) label @include(if: $s) } }",
    "{ rows { id doubled } }",  # a resolver: graphql-core's path
    "{ later { n kind } }",
    "{ maybe { id n } }",  # nullable items: graphql-core's path
    "{ holders { rows { n label } } }",  # lists inside lists, each flat
    "{ rows(broken: 7) { id n } }",  # null in a non-null field: the same error, same path
    "{ rows(count: 3) { id n } }",  # short: graphql-core's path
    "{ edges { id type source target properties } }",
]


def _answer(schema: strawberry.Schema, query: str) -> str:
    result = asyncio.run(schema.execute(query, variable_values={"s": True}))
    errors = [
        {"message": e.message, "path": e.path, "locations": e.locations}
        for e in result.errors or []
    ]
    return json.dumps({"data": result.data, "errors": errors}, default=str)


def test_same_answers_and_errors() -> None:
    for query in QUERIES:
        assert _answer(FLAT, query) == _answer(PLAIN, query), query


def test_null_in_non_null_field_is_reported_at_its_path() -> None:
    result = asyncio.run(FLAT.execute("{ rows(broken: 7) { id n } }"))
    assert result.data is None
    assert result.errors is not None
    assert [e.path for e in result.errors] == [["rows", 7, "n"]]


def test_the_flat_path_is_taken_for_flat_lists_only() -> None:
    calls: list[int] = []
    original = execution._complete_flat

    def counting(plan: Any, items: list[Any]) -> Any:
        calls.append(len(items))
        return original(plan, items)

    execution._complete_flat = counting
    try:
        _answer(FLAT, "{ edges { id type source target } }")
        _answer(FLAT, "{ rows { id doubled } }")
    finally:
        execution._complete_flat = original
    assert calls == [2_000]  # the edges only: `doubled` has a resolver


class Wrapping(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        value = _next(root, info, *args, **kwargs)
        return value * 10 if isinstance(value, int) and not isinstance(value, bool) else value


def test_a_schema_extension_that_wraps_resolvers_keeps_graphql_cores_path() -> None:
    wrapped = strawberry.Schema(
        query=Query, extensions=[Wrapping], execution_context_class=FlatListExecutor
    )
    data = asyncio.run(wrapped.execute("{ rows { n } }")).data
    assert data is not None
    assert [r["n"] for r in data["rows"]][:3] == [0, 10, 20]


def test_the_api_schema_uses_it() -> None:
    assert api_schema.execution_context_class is FlatListExecutor
