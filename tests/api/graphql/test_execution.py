"""The one-pass completion of plain lists answers exactly as graphql-core does, errors included."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any

import pytest
import strawberry
from graphql.execution.executor import Executor
from strawberry.extensions import SchemaExtension

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


@strawberry.type
class Owner:
    name: str
    nick: str | None


@strawberry.interface
class Thing:
    key: str


@strawberry.type
class Cat(Thing):
    lives: int
    tags: list[str]


@strawberry.type
class Dog(Thing):
    good: bool
    owner: Owner | None


@strawberry.type
class Holding:  # as a network's member: a plain object around an interface
    thing: Thing
    score: float | None
    notes: list[str]


@strawberry.type
class HoldingEdge:
    cursor: str
    node: Holding


def _things(count: int) -> list[Thing]:
    return [
        Cat(key=f"c{i}", lives=i % 9, tags=["a", f"t{i}"])
        if i % 2
        else Dog(
            key=f"d{i}", good=i % 4 == 0, owner=Owner(name=f"o{i}", nick=None) if i % 3 else None
        )
        for i in range(count)
    ]


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
    def things(self) -> list[Thing]:
        return _things(40)

    @strawberry.field
    def pets(self) -> list[Cat | Dog]:
        return _things(30)  # type: ignore[return-value]  # Cats and Dogs

    @strawberry.field
    def holdings(self, broken: int | None = None) -> list[HoldingEdge]:
        edges = [
            HoldingEdge(
                cursor=f"h{i}",
                node=Holding(thing=t, score=None if i % 5 else i / 10, notes=["x", t.key]),
            )
            for i, t in enumerate(_things(50))
        ]
        if broken is not None:
            edges[broken].node.notes.append(None)  # type: ignore[arg-type]  # null in [String!]
        return edges

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
    "{ things { key __typename ... on Cat { lives tags } ... on Dog { good owner { name nick } } } }",  # noqa: E501
    "{ things { ...T } } fragment T on Thing { key ... on Dog { owner { n: name } } }",
    "{ pets { __typename ... on Cat { key lives } } }",  # a union
    "{ holdings { cursor node { score notes thing { key ... on Dog { good } } } } }",
    "{ holdings(broken: 5) { node { notes } } }",  # null in [String!]: the same error
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


def test_the_one_pass_is_taken_for_plain_lists_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """graphql-core completes a list only when the one pass cannot (its path, by field)."""
    by_graphql_core: list[Any] = []
    original = Executor.complete_iterable_value

    def recording(self: Executor, item_type: Any, details: Any, info: Any, path: Any,
                  *args: Any) -> Any:  # fmt: skip
        by_graphql_core.append(path.key)
        return original(self, item_type, details, info, path, *args)

    monkeypatch.setattr(Executor, "complete_iterable_value", recording)

    def lists(query: str) -> list[Any]:
        by_graphql_core.clear()
        _answer(FLAT, query)
        return list(by_graphql_core)

    assert lists("{ edges { id type source target } }") == []
    assert (
        lists("{ holdings { cursor node { score notes thing { key ... on Dog { good } } } } }")
        == []
    )
    assert lists("{ things { key ... on Dog { owner { name } } } pets { __typename } }") == []
    assert lists("{ rows { id doubled } }") == ["rows"]  # `doubled` has a resolver
    assert lists("{ maybe { id } }") == ["maybe"]  # nullable items
    assert lists("{ rows(count: 3) { id } }") == ["rows"]  # short
    # A null in [String!] at item 5: graphql-core completes the list again, and reports it.
    assert lists("{ holdings(broken: 5) { node { notes } } }")[0] == "holdings"


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
