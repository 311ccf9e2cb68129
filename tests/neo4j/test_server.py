"""The project-managed Neo4j: install cache, start/stop, plugins, Browser and clear errors."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.neo4j import server as server_mod
from cibgraph.neo4j.schema import declared_constraint_names
from cibgraph.neo4j.server import LocalNeo4j, Neo4jServerError, java_version
from cibgraph.settings import Settings


def test_return_one_over_bolt(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query("RETURN 1 AS one", database_=settings.neo4j_database)
    assert [r["one"] for r in records] == [1]


def test_server_is_neo4j_526_community(driver: Driver) -> None:
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
        database_="system",
    )
    assert records[0]["name"] == "Neo4j Kernel"
    assert records[0]["versions"][0].startswith("5.26.")
    assert records[0]["edition"] == "community"


def test_second_start_is_a_noop(neo4j_server: LocalNeo4j) -> None:
    pid = neo4j_server.pid()
    assert neo4j_server.start() is False
    assert neo4j_server.pid() == pid


def test_status_reports_the_running_instance(neo4j_server: LocalNeo4j, settings: Settings) -> None:
    st = neo4j_server.status()
    assert st.running is True
    assert st.answering is True
    assert st.instance == settings.neo4j_instance
    assert st.bolt == f"bolt://127.0.0.1:{settings.bolt_port}"


def test_second_install_downloads_nothing(neo4j_server: LocalNeo4j) -> None:
    listing = (neo4j_server.dist / "INSTALLED").read_text()
    assert neo4j_server.install() is False
    assert (neo4j_server.dist / "INSTALLED").read_text() == listing
    assert "org.neo4j.app.neo4j-server-5.26.19.jar" in listing.split()


def test_browser_page_is_served(neo4j_server: LocalNeo4j, settings: Settings) -> None:
    url = f"http://127.0.0.1:{settings.neo4j_http_port}/browser/"
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = resp.read().decode()
    assert resp.status == 200
    assert "<title>Neo4j Browser</title>" in body


def test_listens_on_loopback_only(neo4j_server: LocalNeo4j) -> None:
    conf = (neo4j_server.conf_dir / "neo4j.conf").read_text().splitlines()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "dbms.security.auth_enabled=true" in conf


def test_auth_is_enforced(neo4j_server: LocalNeo4j, settings: Settings) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    wrong = ("neo4j", "wrong-password")
    with GraphDatabase.driver(settings.neo4j_uri, auth=wrong) as drv, pytest.raises(AuthError):
        drv.verify_connectivity()


def test_apoc_is_loaded(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "CALL apoc.help('merge') YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    assert "apoc.merge.node" in records[0]["names"]


def test_gds_is_loaded_and_runs_wcc(db: Driver, settings: Settings) -> None:
    db.execute_query(
        "CREATE (:Account {key:'a'})-[:FOLLOWS]->(:Account {key:'b'}), (:Account {key:'c'})",
        database_=settings.neo4j_database,
    )
    records, _, _ = db.execute_query(
        "CALL gds.graph.project('t', 'Account', 'FOLLOWS') YIELD graphName "
        "CALL gds.wcc.stream(graphName) YIELD componentId "
        "WITH count(DISTINCT componentId) AS components "
        "CALL gds.graph.drop('t') YIELD graphName AS dropped "
        "RETURN components, gds.version() AS version",
        database_=settings.neo4j_database,
    )
    assert records[0]["components"] == 2
    assert records[0]["version"] == server_mod.GDS_VERSION


def test_constraints_are_exactly_those_declared(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    assert set(records[0]["names"]) == declared_constraint_names()


def _instance(tmp_path: Path, settings: Settings, name: str, bolt: int, http: int) -> LocalNeo4j:
    """Another instance sharing the installed jars, with its own ports."""
    other = settings.model_copy(
        update={
            "neo4j_instance": name,
            "neo4j_uri": f"neo4j://127.0.0.1:{bolt}",
            "neo4j_http_port": http,
            "neo4j_start_timeout": 30.0,
        }
    )
    return LocalNeo4j(other, instances_root=tmp_path)


def test_taken_port_gives_a_one_line_error(
    neo4j_server: LocalNeo4j, settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        srv = _instance(tmp_path, settings, "porttest", port, 7499)
        with pytest.raises(Neo4jServerError, match=rf"Bolt port {port} is taken.*NEO4J_URI"):
            srv.start()


def test_failed_start_points_at_the_log(
    neo4j_server: LocalNeo4j, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_mod, "MAIN_CLASS", "org.neo4j.server.NoSuchEntryPoint")
    srv = _instance(tmp_path, settings, "failtest", 7697, 7498)
    with pytest.raises(Neo4jServerError, match=r"exited during start-up: see .*neo4j\.log"):
        srv.start()
    assert "NoSuchEntryPoint" in (srv.logs_dir / "console.log").read_text()
    assert srv.pid() is None


def test_missing_java_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(Neo4jServerError, match=r"Java 17\+ is required.*apt-get install"):
        java_version()


def test_missing_maven_is_explained(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_which = server_mod.shutil.which
    monkeypatch.setattr(
        server_mod.shutil, "which", lambda cmd: None if cmd == "mvn" else real_which(cmd)
    )
    srv = LocalNeo4j(settings.model_copy(update={"cibgraph_home": tmp_path}))
    with pytest.raises(Neo4jServerError, match=r"`mvn` is not on PATH.*apt-get install maven"):
        srv.install()


def test_java_version_is_at_least_17() -> None:
    assert java_version() >= 17
