"""Completing long lists of flat objects in one pass.

graphql-core completes every field of every object on its own: resolve (strawberry's wrapper
around `getattr`), check, serialise, record the path. For a neighbourhood's 2,000 edges of four
fields that is ~8,000 trips through `execute_field` and `complete_value`, most of a drawing
query's Python time (docs/api.md). The result of those trips is fully determined in advance when
the list's items are objects whose selected fields are all plain attributes holding leaf values
(scalars and enums), with no arguments, no resolver of ours, no field extension and no schema
extension that wraps resolvers: then each item is `{response key: serialize(getattr(item,
attribute))}`, in the order graphql-core collects the fields (fragments merged, `@skip` and
`@include` applied, by its own `collect_subfields`).

`FlatListExecutor` takes that path for such lists and hands anything else (a nested selection,
`@defer` or `@stream`, a missing non-null value, a serialiser's error) back to graphql-core
unchanged, so answers and errors are the same byte for byte (tests/api/graphql/test_execution.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

#: Shorter lists keep graphql-core's path: the one pass is for the long ones.
MIN_ITEMS = 16

#: One selected field: response key, the item's attribute (None: `__typename`), whether null
#: is an error, the leaf serialiser.
Column = tuple[str, str | None, bool, Callable[[Any], Any]]


class FlatListExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with a one-pass completion of lists of flat objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # By the identity of the field list, as graphql-core's own `collect_subfields` memo:
        # the list is kept with its plan, so its id cannot be reused by another one meanwhile.
        self._plans: dict[tuple[int, int], tuple[Any, list[Column] | None]] = {}

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Any,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        if isinstance(items, list) and len(items) >= MIN_ITEMS:
            plan = self._plan(item_type, field_details_list, path)
            if plan is not None:
                done = _complete_flat(plan, items)
                if done is not None:
                    return done
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _plan(
        self, item_type: GraphQLOutputType, field_details_list: Any, path: Any
    ) -> list[Column] | None:
        key = (id(item_type), id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._make_plan(item_type, field_details_list, path))
            self._plans[key] = cached
        return cached[1]

    def _make_plan(
        self, item_type: GraphQLOutputType, field_details_list: Any, path: Any
    ) -> list[Column] | None:
        """The columns of a flat list of `item_type`, or None when it is not one."""
        if not isinstance(item_type, GraphQLNonNull):
            return None  # a null item is completed as graphql-core does
        object_type = item_type.of_type
        if not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of:
            return None
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            return None  # a schema extension wraps every resolver
        if self.get_stream_usage(field_details_list, path) is not None:
            return None
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        columns: list[Column] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                columns.append((response_key, None, True, _constant(object_type.name)))
                continue
            field = object_type.fields.get(name)  # a leaf without arguments, below
            if field is None or field.args or not getattr(field.resolve, "_is_default", False):
                return None
            definition = field.extensions.get("strawberry-definition")
            if definition is None or not definition.is_basic_field or definition.extensions:
                return None
            non_null = isinstance(field.type, GraphQLNonNull)
            leaf = field.type.of_type if non_null else field.type
            if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                return None
            columns.append((response_key, definition.python_name, non_null, leaf.serialize))
        return columns


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _item: value


def _complete_flat(plan: list[Column], items: list[Any]) -> list[dict[str, Any]] | None:
    """Every item as a response map, or None when graphql-core should complete the list (a
    null where the schema says non-null, a value a serialiser refuses): it reports those."""
    out: list[dict[str, Any]] = []
    append = out.append
    try:
        for item in items:
            if item is None:
                return None
            row: dict[str, Any] = {}
            for response_key, attribute, non_null, serialize in plan:
                value = item if attribute is None else getattr(item, attribute)
                if value is None:
                    if non_null:
                        return None
                    row[response_key] = None
                else:
                    serialized = serialize(value)
                    if serialized is None:  # graphql-core reports a leaf serialised to null
                        return None
                    row[response_key] = serialized
            append(row)
    except Exception:  # graphql-core completes the list again and reports the error
        return None
    return out
