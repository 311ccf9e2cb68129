"""Helpers the format writers share: flat attribute values and their inferred types."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# GraphML and GEXF type names, keyed by our inferred kinds.
KINDS = ("boolean", "long", "double", "string")
# Characters XML 1.0 cannot hold at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def flat(value: Any) -> Any:
    """A scalar for formats without lists: lists and maps become JSON text."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def merge_kinds(kinds: dict[str, str], props: Mapping[str, Any]) -> None:
    """Widen each attribute's kind by one more value (long + double is double, else string)."""
    for name, value in props.items():
        if value is None:
            continue
        new = kind_of(flat(value))
        old = kinds.get(name)
        if old is None or old == new:
            kinds[name] = new
        elif {old, new} == {"long", "double"}:
            kinds[name] = "double"
        else:
            kinds[name] = "string"


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def text_of(value: Any, kind: str) -> str:
    v = flat(value)
    if kind == "boolean":
        return "true" if v else "false"
    if kind == "double" and isinstance(v, int | float):
        return repr(float(v))
    return xml_text(str(v))


def attribute_kinds(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for props in items:
        merge_kinds(kinds, props)
    return dict(sorted(kinds.items()))
