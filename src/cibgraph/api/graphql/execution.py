"""Completing long lists of plain objects in one pass.

graphql-core completes every field of every object on its own: resolve (strawberry's wrapper
around `getattr`), check, serialise, record the path. For a neighbourhood's 2,000 edges of four
fields that is ~8,000 trips through `execute_field` and `complete_value`, most of a drawing
query's Python time (docs/api.md). The result of those trips is fully determined in advance when
every field selected below the list, at any depth, is a plain attribute (no arguments, no
resolver of ours, no field extension, no schema extension that wraps resolvers) holding a leaf
(scalar or enum), a list of leaves, or an object whose own selection is plain in the same way:
then each item is `{response key: serialize(getattr(item, attribute))}`, nested, in the order
graphql-core collects the fields (fragments merged, `@skip` and `@include` applied, by its own
`collect_subfields`). An interface or union value gets its runtime type from the schema's own
`resolve_type` and `is_type_of`, as graphql-core asks them.

`FlatListExecutor` takes that path for such lists and hands anything else (`@defer` or
`@stream`, a missing non-null value, a serialiser's error, a type that cannot be resolved at
once) back to graphql-core, which completes the whole list again, so answers and errors are the
same byte for byte (tests/api/graphql/test_execution.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLUnionType,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

#: Shorter lists keep graphql-core's path: the one pass is for the long ones.
MIN_ITEMS = 16

#: Completes one non-null value, or raises (any exception: graphql-core completes the list).
Complete = Callable[[Any], Any]


class _Fallback(Exception):  # not an error: graphql-core takes over
    """This list is graphql-core's to complete."""


class FlatListExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with a one-pass completion of lists of plain objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # By the identity of the field list, as graphql-core's own `collect_subfields` memo:
        # the list is kept with its plan, so its id cannot be reused by another one meanwhile.
        self._plans: dict[tuple[int, int], tuple[Any, Complete | None]] = {}

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
            complete = self._plan(item_type, field_details_list, info, path)
            if complete is not None:
                try:
                    return [complete(item) for item in items]
                except Exception:  # graphql-core completes it and reports
                    pass
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _plan(
        self, item_type: GraphQLOutputType, field_details_list: Any, info: Any, path: Any
    ) -> Complete | None:
        key = (id(item_type), id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            plan = None
            if isinstance(item_type, GraphQLNonNull) and self._plain_executor(
                field_details_list, path
            ):
                plan = self._value(item_type.of_type, field_details_list, info)
            cached = (field_details_list, plan)
            self._plans[key] = cached
        return cached[1]

    def _plain_executor(self, field_details_list: Any, path: Any) -> bool:
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            return False  # a schema extension wraps every resolver
        return self.get_stream_usage(field_details_list, path) is None

    def _value(self, kind: Any, field_details_list: Any, info: Any) -> Complete | None:
        """How to complete a non-null value of `kind` selected by these fields, or None."""
        if isinstance(kind, GraphQLObjectType):
            return self._object(kind, field_details_list, info)
        if isinstance(kind, GraphQLInterfaceType | GraphQLUnionType):
            return self._abstract(kind, field_details_list, info)
        return None

    def _object(
        self, object_type: GraphQLObjectType, field_details_list: Any, info: Any
    ) -> Complete | None:
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        columns: list[tuple[str, str | None, bool, Complete]] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                columns.append((response_key, None, True, _constant(object_type.name)))
                continue
            field = object_type.fields.get(name)
            if field is None or field.args or not getattr(field.resolve, "_is_default", False):
                return None
            definition = field.extensions.get("strawberry-definition")
            if definition is None or not definition.is_basic_field or definition.extensions:
                return None
            if any(d.node.directives for d in details):
                return None  # @stream, or a directive graphql-core would act on
            non_null = isinstance(field.type, GraphQLNonNull)
            complete = self._field(field.type.of_type if non_null else field.type, details, info)
            if complete is None:
                return None
            columns.append((response_key, definition.python_name, non_null, complete))
        is_type_of = object_type.is_type_of

        def complete_object(item: Any) -> dict[str, Any]:
            if is_type_of is not None and is_type_of(item, info) is not True:
                raise _Fallback
            row: dict[str, Any] = {}
            for response_key, attribute, non_null, complete in columns:
                value = item if attribute is None else getattr(item, attribute)
                if value is None:
                    if non_null:
                        raise _Fallback
                    row[response_key] = None
                else:
                    row[response_key] = complete(value)
            return row

        return complete_object

    def _field(self, kind: Any, details: Any, info: Any) -> Complete | None:
        """How to complete a field's non-null value of `kind` (a leaf, a list of leaves, an
        object or an abstract type), or None."""
        if isinstance(kind, GraphQLScalarType | GraphQLEnumType):
            return _leaf(kind.serialize)
        if isinstance(kind, GraphQLList):
            inner = kind.of_type
            non_null = isinstance(inner, GraphQLNonNull)
            leaf = inner.of_type if non_null else inner
            if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                return None  # lists of objects nest graphql-core's own list completion
            return _leaves(_leaf(leaf.serialize), non_null)
        return self._value(kind, details, info)

    def _abstract(
        self, abstract: GraphQLAbstractType, field_details_list: Any, info: Any
    ) -> Complete:
        """Each value completed as its runtime type, which the schema's `resolve_type` names
        (strawberry's, which looks at the value's class); one plan per runtime type."""
        schema = self.schema
        resolve_type = abstract.resolve_type
        plans: dict[str, Complete | None] = {}

        def complete_abstract(value: Any) -> Any:
            name = resolve_type(value, info, abstract) if resolve_type else None
            if not isinstance(name, str):
                raise _Fallback  # awaitable, missing or not a name: graphql-core's to say
            try:
                complete = plans[name]
            except KeyError:
                runtime = schema.get_type(name)
                complete = None
                if isinstance(runtime, GraphQLObjectType) and schema.is_sub_type(abstract, runtime):
                    complete = self._object(runtime, field_details_list, info)
                plans[name] = complete
            if complete is None:
                raise _Fallback
            return complete(value)

        return complete_abstract


def _constant(value: str) -> Complete:
    return lambda _item: value


def _leaf(serialize: Callable[[Any], Any]) -> Complete:
    def complete_leaf(value: Any) -> Any:
        serialized = serialize(value)
        if serialized is None:  # graphql-core reports a leaf serialised to null
            raise _Fallback
        return serialized

    return complete_leaf


def _leaves(complete: Complete, non_null: bool) -> Complete:
    def complete_leaves(values: Any) -> list[Any]:
        if not isinstance(values, list | tuple):
            raise _Fallback  # graphql-core's to accept (any iterable) or refuse
        out: list[Any] = []
        for value in values:
            if value is None:
                if non_null:
                    raise _Fallback
                out.append(None)
            else:
                out.append(complete(value))
        return out

    return complete_leaves
