"""Query limits computed without expanding fragments: depth, aliases, cost and heavy fields.

Strawberry's depth and alias limiters walk into every fragment spread again, so a document whose
fragments each spread the one before twice costs 2^n steps to check: a few hundred bytes can hold
the server for hours. Here each fragment is measured once, in dependency order, and a spread
adds the fragment's measure (times how often it is spread): a 2^30 bomb is a few dozen additions.

The measures of a selection set:
- depth: the deepest chain of nested selection sets (introspection fields count 0, as in
  strawberry's limiter);
- aliases: aliased fields, as many as expansion would make;
- cost: every field costs 1 plus its children's cost, times the field's page size (its `first`
  or `limit` argument, its default when absent) so that nested pages multiply;
- heavy: fields that run an expensive traversal (neighbourhood, paths, ...), as expansion counts.

When all are within bounds, the standard validation runs in a worker thread: the event loop
keeps answering other requests (and /healthz) while a large document is checked. A variable that
is not Unicode text (a lone surrogate, which a JSON escape can spell) is refused first, as
BAD_USER_INPUT: neither Neo4j nor the response could carry it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from cibgraph.api.graphql.errors import BadInput

#: More than any count a real query reaches; keeps the arithmetic small for hostile ones.
CEILING = 10**15
#: Fields that each run an expensive traversal or job (GraphQL names, on Query or Mutation).
HEAVY_FIELDS = frozenset(
    {"neighbourhood", "shortestPaths", "coordinationEvidence", "timeline", "startDetection"}
)
PAGE_ARGUMENTS = ("first", "limit")
MAX_PAGE = 1_000


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    heavy: int = 0

    def plus(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth),
            min(self.aliases + other.aliases, CEILING),
            min(self.cost + other.cost, CEILING),
            min(self.heavy + other.heavy, CEILING),
        )


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int
    max_aliases: int
    max_cost: int
    max_heavy: int


Parent = GraphQLObjectType | GraphQLInterfaceType | None


class _Measurer:
    """Measures one document: each fragment once, then each operation."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.measured: dict[str, Measure] = {}

    def fragment_order(self) -> list[str]:
        """Fragments, each after every fragment it spreads; raises on a cycle."""
        spreads = {name: set(_spread_names(f.selection_set)) for name, f in self.fragments.items()}
        waiting = {name: {s for s in used if s in self.fragments} for name, used in spreads.items()}
        users: dict[str, list[str]] = {name: [] for name in self.fragments}
        for name, used in waiting.items():
            for s in used:
                users[s].append(name)
        ready = deque(sorted(name for name, used in waiting.items() if not used))
        order: list[str] = []
        while ready:
            name = ready.popleft()
            order.append(name)
            for user in users[name]:
                waiting[user].discard(name)
                if not waiting[user]:
                    ready.append(user)
        if len(order) < len(self.fragments):
            cyclic = sorted(set(self.fragments) - set(order))
            raise GraphQLError(f"fragments spread each other in a cycle: {', '.join(cyclic)}")
        return order

    def run(self) -> list[tuple[str, Measure]]:
        for name in self.fragment_order():
            f = self.fragments[name]
            self.measured[name] = self.selection(
                f.selection_set, self._type(f.type_condition.name.value)
            )
        out = []
        for op in self.operations:
            root = {
                OperationType.QUERY: self.schema.query_type,
                OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type,
            }[op.operation]
            name = op.name.value if op.name else "anonymous"
            out.append((name, self.selection(op.selection_set, root)))
        return out

    def _type(self, name: str) -> Parent:
        t = self.schema.get_type(name)
        return t if isinstance(t, GraphQLObjectType | GraphQLInterfaceType) else None

    def selection(self, node: SelectionSetNode, parent: Parent) -> Measure:
        total = Measure()
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                total = total.plus(self.field(sel, parent))
            elif isinstance(sel, FragmentSpreadNode):
                total = total.plus(self.measured.get(sel.name.value, Measure()))
            elif isinstance(sel, InlineFragmentNode):
                inner = self._type(sel.type_condition.name.value) if sel.type_condition else parent
                total = total.plus(self.selection(sel.selection_set, inner))
        return total

    def field(self, node: FieldNode, parent: Parent) -> Measure:
        name = node.name.value
        definition = parent.fields.get(name) if parent is not None else None
        alias = 1 if node.alias is not None else 0
        heavy = 1 if name in HEAVY_FIELDS and parent in self._roots() else 0
        if node.selection_set is None:
            return Measure(0, alias, 1, heavy)
        child_type = get_named_type(definition.type) if definition is not None else None
        child_parent = (
            child_type if isinstance(child_type, GraphQLObjectType | GraphQLInterfaceType) else None
        )
        children = self.selection(node.selection_set, child_parent)
        page = self._page(node, definition)
        depth = 0 if name.startswith("__") else 1 + children.depth
        return Measure(
            depth,
            min(alias + children.aliases, CEILING),
            min(1 + page * children.cost, CEILING),
            min(heavy + children.heavy, CEILING),
        )

    def _roots(self) -> tuple[Parent, ...]:
        return (self.schema.query_type, self.schema.mutation_type)

    def _page(self, node: FieldNode, definition: Any) -> int:
        """The page size the field asks for (its `first` or `limit`, given or default)."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        for arg in PAGE_ARGUMENTS:
            value: Any = None
            if arg in given:
                v = given[arg]
                if isinstance(v, IntValueNode):
                    value = int(v.value)
                elif isinstance(v, VariableNode):
                    value = self.variables.get(v.name.value)
            elif definition is not None and arg in definition.args:
                value = definition.args[arg].default_value
            if isinstance(value, int) and not isinstance(value, bool):
                return max(1, min(value, MAX_PAGE))
        return 1


def _spread_names(node: SelectionSetNode) -> Iterable[str]:
    """The fragments a selection set spreads, at any depth (walked without recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        for sel in current.selections:
            if isinstance(sel, FragmentSpreadNode):
                yield sel.name.value
            elif isinstance(sel, FieldNode | InlineFragmentNode) and sel.selection_set:
                stack.append(sel.selection_set)


def check_limits(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> list[GraphQLError]:
    """The limit errors of a document (empty when it is within every limit)."""
    try:
        measures = _Measurer(schema, document, variables or {}).run()
    except GraphQLError as error:
        return [error]
    errors = []
    for name, m in measures:
        if m.depth > limits.max_depth:
            errors.append(
                GraphQLError(f"'{name}' exceeds maximum operation depth of {limits.max_depth}")
            )
        if m.aliases > limits.max_aliases:
            errors.append(
                GraphQLError(f"{_count(m.aliases)} aliases found. Allowed: {limits.max_aliases}")
            )
        if m.heavy > limits.max_heavy:
            errors.append(
                GraphQLError(
                    f"'{name}' asks for {_count(m.heavy)} traversals (neighbourhood, "
                    f"shortestPaths, coordinationEvidence, timeline, startDetection); "
                    f"at most {limits.max_heavy} per request"
                )
            )
        if m.cost > limits.max_cost:
            errors.append(
                GraphQLError(
                    f"'{name}' costs {_count(m.cost)}, over the limit of {limits.max_cost:,}: "
                    "ask for smaller pages (first, limit) or fewer nested fields"
                )
            )
    return errors


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lone_surrogate(variables: Mapping[str, Any] | None) -> str | None:
    """Which variable holds a lone surrogate, in a key or a value (None when none does)."""
    stack: list[tuple[str, Any]] = [("variables", variables or {})]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if not _is_text(value):
                return where
        elif isinstance(value, Mapping):
            stack.extend((f"{where}.{k}", v) for k, v in value.items())
            stack.extend((where, k) for k in value)
        elif isinstance(value, list | tuple):
            stack.extend((where, v) for v in value)
    return None  # in the query text itself, GraphQL's lexer refuses them as a syntax error


def _count(n: int) -> str:
    return f"over {CEILING:,}" if n >= CEILING else f"{n:,}"


ON_LOOP_CHARS = 2_000  # documents up to this long are validated on the event loop
VALID_KEPT = 512  # valid query texts remembered (per process)
_VALID: set[str] = set()


class QueryLimits(SchemaExtension):
    """Refuses documents over the limits before validation, then validates off the event loop."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    async def _validate(
        self, schema: GraphQLSchema, document: DocumentNode, query: str | None
    ) -> list[GraphQLError]:
        """The document's validation errors, worked out in a worker thread for a long document
        and on the loop for a short one, where the thread's hand-off would cost more than the
        validation. A valid text is remembered (validity depends on the text alone, and clients
        send the same few documents over and over); errors are not, as each response owns its."""
        if query is not None and query in _VALID:
            return []
        rules = tuple(self.execution_context.validation_rules)
        if query is not None and len(query) <= ON_LOOP_CHARS:
            errors = validate_document(schema, document, rules)
        else:
            errors = await asyncio.to_thread(validate_document, schema, document, rules)
        if query is not None and not errors:
            if len(_VALID) >= VALID_KEPT:
                _VALID.clear()
            _VALID.add(query)
        return errors

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and ctx.pre_execution_errors is None:
            schema = ctx.schema._schema
            errors = check_limits(schema, document, ctx.variables, self.limits)
            where = lone_surrogate(ctx.variables)
            if where is not None:
                reason = BadInput(f"{where} holds a lone surrogate, which is not Unicode text")
                errors = [GraphQLError(reason.message, original_error=reason)]
            if not errors:
                errors = await self._validate(schema, document, ctx.query)
            # Set, even when empty: strawberry then skips its own (on-loop) validation.
            ctx.pre_execution_errors = errors
        yield
