"""What a request selects below a field, so resolvers fetch only what the client asked for.

The walk reads the document's field nodes (through inline fragments and named fragments, each
named fragment read once per level), never an expanded copy of the selection: its cost is
bounded by the document's size, whatever a fragment-doubling query would expand to. Directives
(`@skip`, `@include`) are ignored, so a resolver may fetch more than is shown, never less.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values
from strawberry.utils.str_converters import to_camel_case


def _fields(
    sets: Iterable[SelectionSetNode], fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """The field nodes of these selection sets, looking through fragments (each once)."""
    out: list[FieldNode] = []
    seen: set[str] = set()
    todo = list(sets)
    while todo:
        for sel in todo.pop().selections:
            if isinstance(sel, FieldNode):
                out.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                todo.append(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                seen.add(sel.name.value)
                fragment = fragments.get(sel.name.value)
                if fragment is not None:
                    todo.append(fragment.selection_set)
    return out


def selected(info: strawberry.Info[Any, Any], path: Sequence[str] = ()) -> frozenset[str] | None:
    """The names of the fields selected at `path` below the resolver's own field (camelCase,
    whatever the type condition), or None when nothing at `path` is selected."""
    # strawberry's `Info.selected_fields` would expand every fragment spread (exponential for a
    # fragment-doubling document); the document's own nodes are read from graphql-core's info.
    raw = info._raw_info
    fragments = dict(raw.fragments)
    sets = [n.selection_set for n in raw.field_nodes if n.selection_set is not None]
    for step in path:
        sets = [
            f.selection_set
            for f in _fields(sets, fragments)
            if f.name.value == step and f.selection_set is not None
        ]
        if not sets:
            return None
    return frozenset(f.name.value for f in _fields(sets, fragments))


def field_arguments(
    info: strawberry.Info[Any, Any], name: str, type_name: str
) -> list[dict[str, Any]]:
    """The arguments (coerced, by GraphQL name) of every `name` field selected directly below
    the resolver's field, `name` being a field of the type `type_name`."""
    raw = info._raw_info
    owner = raw.schema.get_type(type_name)
    definition = getattr(owner, "fields", {}).get(name)
    if definition is None:
        return []
    sets = [n.selection_set for n in raw.field_nodes if n.selection_set is not None]
    variables = raw.variable_values
    return [
        get_argument_values(definition, f, variables)
        for f in _fields(sets, dict(raw.fragments))
        if f.name.value == name
    ]


class StoredProps:
    """Which stored properties a selection of node fields needs, for a set of node types.

    A field of a type maps to the property it is built from (`memberCount` to `members`, say);
    a field with a resolver of its own needs none (it reads the key or asks a loader). Selecting
    `properties` needs every property, which `props_for` says by returning None.
    """

    def __init__(
        self, types: Iterable[type], aliases: dict[type, dict[str, str]], extra: dict[str, Any]
    ) -> None:
        self._by_field: dict[str, set[str]] = {}
        for cls in types:
            names = aliases.get(cls, {})
            for f in dataclasses.fields(cls):
                if not f.init or f.name in ("key", "properties"):
                    continue
                stored = extra.get(f.name, [names.get(f.name, f.name)])
                self._by_field.setdefault(to_camel_case(f.name), set()).update(stored)

    def props_for(self, fields: frozenset[str] | None) -> list[str] | None:
        """The property names these selected fields need (sorted, `key` always), or None for all."""
        if fields is None:
            return ["key"]
        if "properties" in fields:
            return None
        wanted = {"key"}
        for name in fields:
            wanted.update(self._by_field.get(name, ()))
        return sorted(wanted)
