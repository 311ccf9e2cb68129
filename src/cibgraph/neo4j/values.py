"""The one converter of driver values (temporal, spatial, graph) to plain Python and JSON."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import neo4j.spatial
import neo4j.time
from neo4j.graph import Node, Path, Relationship


def to_python(value: Any) -> Any:
    """`value` with every driver type replaced, recursively through lists and maps.

    Date/time values become `datetime`, `date` and `time` (an aware datetime keeps its zone;
    nanoseconds past the microsecond are dropped); a `Duration`, which months make
    unrepresentable as a `timedelta`, becomes its ISO 8601 text; a point becomes a map with its
    SRID and coordinates (`longitude`/`latitude`/`height` for WGS-84, `x`/`y`/`z` otherwise);
    a node or relationship becomes the map of its properties, a path the list of its nodes.
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, neo4j.time.Duration):
        return value.iso_format()
    if isinstance(value, neo4j.spatial.Point):
        return _point(value)
    if isinstance(value, Node | Relationship):
        return {k: to_python(v) for k, v in value.items()}
    if isinstance(value, Path):
        return [to_python(n) for n in value.nodes]
    # After the driver's types: a Duration and a Point are tuples too.
    if isinstance(value, list | tuple):
        return [to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    return value


def to_json(value: Any) -> Any:
    """`to_python(value)` with dates and times as ISO 8601 text, ready for `json.dumps`."""
    plain = to_python(value)
    return _iso(plain)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    return value


def _point(p: neo4j.spatial.Point) -> dict[str, Any]:
    names = ("longitude", "latitude", "height") if p.srid in (4326, 4979) else ("x", "y", "z")
    return {"srid": p.srid, **dict(zip(names, (float(c) for c in p), strict=False))}
