"""The signal registry: every place that lists signals derives from it or agrees with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cibgraph import traversals
from cibgraph.detection import fusion
from cibgraph.detection.registry import (
    SIGNALS,
    detection_types,
    get_signal,
    kinds,
    signal_for_type,
    signal_table,
)
from cibgraph.detection.signal import Signal
from cibgraph.export.model import edge_evidence
from cibgraph.neo4j.registry import CYPHER_DIR, get_query
from cibgraph.neo4j.schema import RelType

DOCS = Path(__file__).resolve().parents[2] / "docs" / "model.md"
TABLE = re.compile(r"<!-- signal table: [^\n]*-->\n(.*?)\n<!-- end of signal table -->", re.DOTALL)
# A relationship pattern's type list: `[d:A|B|C]` (with or without a variable).
TYPE_LIST = re.compile(r"\[\s*\w*\s*:\s*([A-Z_]+(?:\s*\|\s*[A-Z_]+)+)")


def test_the_signals_and_their_types() -> None:
    assert kinds() == (
        "coordination",
        "infrastructure",
        "control",
        "cohorts",
        "copypaste",
        "neardup",
        "coreply",
        "comention",
        "hours",
        "repurposed",
    )
    assert [t.value for t in detection_types()] == [
        "COORDINATED_WITH",
        "SHARES_INFRA_WITH",
        "CO_ADMIN_WITH",
        "AUDIENCE_OVERLAP",
        "COHORT_WITH",
        "COPY_PASTE_WITH",
        "SAME_TEXT_AS",
        "NEAR_DUPLICATE_WITH",
        "NEAR_DUPLICATE_OF",
        "CO_REPLY_WITH",
        "CO_MENTION_WITH",
        "OFFICE_HOURS_WITH",
        "REPURPOSED_WITH",
    ]
    assert signal_for_type("COHORT_WITH") is get_signal("cohorts")
    assert signal_for_type(RelType.AUDIENCE_OVERLAP) is get_signal("control")
    assert signal_for_type("FOLLOWS") is None
    with pytest.raises(ValueError, match="unknown signal 'likes'; known: coordination, "):
        get_signal("likes")


def test_fusion_and_traversals_derive_from_the_registry() -> None:
    assert kinds() == fusion.SIGNALS
    assert detection_types() == traversals.DETECTION_TYPES
    assert fusion.FusionParams().weights == {k: fusion.DEFAULT_WEIGHTS.get(k, 1.0) for k in kinds()}
    # the corroborating traces weigh less than the edge threshold: never enough alone
    assert all(w < fusion.FusionParams().min_edge for w in fusion.DEFAULT_WEIGHTS.values())


@pytest.mark.parametrize("signal", SIGNALS, ids=lambda s: s.kind)
def test_each_signal_is_complete(signal: Signal[Any, Any]) -> None:
    # its fusion reader exists and is a read; every parameter has a default and a description
    query = get_query(signal.fusion.query)
    assert (query.mode.value, list(query.params)) == ("read", ["run"])
    assert f"[r:{signal.rel_type.value} {{run: $run}}]" in query.text
    assert re.search(r"\bAS a\b", query.text) and re.search(r"\bAS b\b", query.text)
    specs = signal.param_specs
    assert specs, f"{signal.kind} has no parameters"
    for spec in specs:
        assert spec.description.endswith("."), spec
        if spec.multiple:  # several strings: none by default
            assert spec.default == () and spec.type is str, spec
        else:
            assert isinstance(spec.default, spec.type), spec
    defaults = signal.make_params()
    assert {s.name: getattr(defaults, s.name) for s in specs} == {s.name: s.default for s in specs}
    assert set(signal.explicit) <= {s.name for s in specs}
    # every relationship type it writes has a one-line evidence in exports
    for rel_type in signal.rel_types:
        assert edge_evidence(rel_type.value, {"weight": 2, "run": "r1"}).endswith("(run r1)")


def test_parameters_are_checked_in_one_line() -> None:
    infra = get_signal("infrastructure")
    with pytest.raises(ValueError) as exc:
        infra.make_params({"max_accounts": 2})
    assert str(exc.value) == "max_accounts must be at least 3, not 2"
    with pytest.raises(ValueError) as exc:
        infra.make_params({"max_acounts": 20})
    assert str(exc.value) == (
        "infrastructure has no parameter max_acounts; "
        "its parameters: disjoint_factor, max_accounts, min_weight"
    )
    with pytest.raises(ValueError, match=r"^min_jaccard must be at most 1, not 1\.5$"):
        get_signal("control").make_params({"min_jaccard": 1.5})
    with pytest.raises(ValueError, match=r"^neighbours "):
        get_signal("cohorts").make_params({"neighbours": True})
    assert get_signal("coordination").make_params({"time_window": 5}).time_window == 5


def test_every_query_that_lists_detection_types_lists_them_all() -> None:
    """The queries that read every detection's edges take the registry's types as `$types`; a
    query may name types literally only for one signal's own (typed patterns are faster)."""
    wanted = {t.value for t in detection_types()}
    listing = {}
    for path in sorted(CYPHER_DIR.rglob("*.cypher")):
        for m in TYPE_LIST.finditer(path.read_text(encoding="utf-8")):
            types = {t.strip() for t in m.group(1).split("|")}
            if types & wanted and types <= set(RelType):
                listing[path.relative_to(CYPHER_DIR).as_posix()] = types
    assert listing == {
        # the ties between pages and groups: the control signal's types
        "investigate/pages_and_groups_of_network.cypher": set(get_signal("control").rel_types),
    }
    for name in ("traverse/expand_network", "api/network_evidence"):
        assert "types" in get_query(name).params, name


def test_the_model_doc_table_is_the_registry_table() -> None:
    m = TABLE.search(DOCS.read_text(encoding="utf-8"))
    assert m is not None, "docs/model.md lost its signal table markers"
    assert m.group(1) == signal_table()
    for s in SIGNALS:
        assert f"`{s.rel_type.value}`" in m.group(1)
