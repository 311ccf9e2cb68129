"""The query registry: headers checked, names resolved, every file EXPLAINed on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.neo4j.registry import QueryFileError, QueryMode, get_query, parse_query_file, registry
from cibgraph.settings import Settings


def _write(root: Path, name: str, text: str) -> Path:
    path = root / f"{name}.cypher"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_header_is_parsed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "infra/by_ip",
        "// name: infra/by_ip\n// answers: who used it?\n// params: ip: string, limit: int\n"
        "// mode: read\nMATCH (a:Account)-[:USED_IP]->(:IP {key: $ip}) RETURN a LIMIT $limit\n",
    )
    q = parse_query_file(path, root=tmp_path)
    assert q.name == "infra/by_ip"
    assert dict(q.params) == {"ip": "string", "limit": "int"}
    assert q.mode is QueryMode.READ
    assert q.text.startswith("MATCH (a:Account)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("// name: x\n// params: none\n// mode: read\nRETURN 1", "lacks '// answers:'"),
        ("// name: y\n// answers: a\n// params: none\n// mode: read\nRETURN 1", "path says 'x'"),
        (
            "// name: x\n// answers: a\n// params: none\n// mode: sideways\nRETURN 1",
            "read or write",
        ),
        ("// name: x\n// answers: a\n// params: none\n// mode: read\nRETURN $v", "uses ['v']"),
        ("// name: x\n// answers: a\n// params: v: int\n// mode: read\nRETURN 1", "declares"),
    ],
)
def test_bad_headers_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(QueryFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_query_file(_write(tmp_path, "x", text), root=tmp_path)


def test_dollar_inside_a_string_is_not_a_parameter(tmp_path: Path) -> None:
    text = "// name: x\n// answers: a\n// params: none\n// mode: read\nRETURN '$notaparam' AS s"
    assert dict(parse_query_file(_write(tmp_path, "x", text), root=tmp_path).params) == {}


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="meta/label_counts"):
        get_query("nope/nothing")


def test_run_checks_params(driver: Driver) -> None:
    with pytest.raises(ValueError, match=r"missing params \['key'\]"):
        get_query("meta/entity_by_key").run(driver, {})


def test_every_query_file_explains(driver: Driver, settings: Settings) -> None:
    queries = registry()
    assert len(queries) >= 2
    for q in queries.values():
        if q.label_slots:
            q = q.bind(**{slot: allowed[0] for slot, allowed in q.label_slots.items()})
        params = dict.fromkeys(q.params)
        with driver.session(database=settings.neo4j_database) as session:
            session.run(f"EXPLAIN {q.text}", params).consume()


def test_named_query_runs_with_read_routing(db: Driver, settings: Settings) -> None:
    db.execute_query(
        "CREATE (:Account {key: 'twitter:1'}), (:Account {key: 'twitter:2'}),"
        " (:IP {key: '1.2.3.4'})",
        database_=settings.neo4j_database,
    )
    rows = {r["label"]: r["nodes"] for r in get_query("meta/label_counts").run(db)}
    assert rows["Account"] == 2
    assert rows["IP"] == 1


def test_label_slots_bind_only_allowed_labels(tmp_path: Path) -> None:
    text = (
        "// name: x\n// answers: a\n// params: k: string\n// labels: obj: Post|Url\n"
        "// mode: read\nMATCH (o:__obj__ {key: $k}) RETURN o"
    )
    q = parse_query_file(_write(tmp_path, "x", text), root=tmp_path)
    assert dict(q.label_slots) == {"obj": ("Post", "Url")}
    assert q.bind(obj="Url").text == "MATCH (o:`Url` {key: $k}) RETURN o"
    with pytest.raises(ValueError, match="not allowed"):
        q.bind(obj="Account) DETACH DELETE (o")
    with pytest.raises(ValueError, match="bind its label slots"):
        q.run(None, {"k": "x"})  # type: ignore[arg-type]


def test_label_slot_must_name_known_labels(tmp_path: Path) -> None:
    text = (
        "// name: x\n// answers: a\n// params: none\n// labels: obj: Post|Nope\n"
        "// mode: read\nMATCH (o:__obj__) RETURN o"
    )
    with pytest.raises(QueryFileError, match="unknown"):
        parse_query_file(_write(tmp_path, "x", text), root=tmp_path)


def test_every_load_query_of_rows_counts_them() -> None:
    """The guard against silently lost rows: every load query of `$rows` returns its count."""
    loads = {n: q for n, q in registry().items() if n.startswith("load/") and "rows" in q.params}
    assert len(loads) >= 16
    assert sorted(n for n, q in loads.items() if not q.counts_rows) == []
    assert all(q.text.rstrip().endswith("RETURN count(*) AS rows") for q in loads.values())


def test_counts_rows_needs_a_write_of_rows_returning_them(tmp_path: Path) -> None:
    for body, message in (
        ("// mode: read\n// counts: rows\nUNWIND $rows AS r RETURN count(*) AS rows", "counts"),
        ("// mode: write\n// counts: all\nUNWIND $rows AS r CREATE (:Account)", "takes only"),
        ("// mode: write\n// counts: rows\nUNWIND $rows AS r CREATE (:Account)", "AS rows"),
    ):
        path = tmp_path / "t" / "q.cypher"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"// name: t/q\n// answers: x\n// params: rows: list\n{body}\n")
        with pytest.raises(QueryFileError, match=message):
            parse_query_file(path, root=tmp_path)
