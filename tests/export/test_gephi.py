"""GEXF exports opened by their consumer: Gephi's own importer (the Gephi Toolkit, headless).

The GEXF 1.3 XSD is not shipped here; instead the file goes through the code Gephi users run.
`tests/export/gephi/GephiCheck.java` imports it, processes it into a workspace and prints what
Gephi made of it. The toolkit jar (83 MB) is resolved once with Maven into
`$CIBGRAPH_HOME/tools/` beside Neo4j's jars, like them from Maven Central.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.export import select_network, write_export
from tests.export.conftest import Demo

TOOLKIT = "org.gephi:gephi-toolkit:0.10.1:jar:all"
CHECK = Path(__file__).parent / "gephi" / "GephiCheck.java"


@pytest.fixture(scope="session")
def gephi_toolkit() -> Path:
    tools = Path(os.environ["CIBGRAPH_HOME"]) / "tools"
    jar = tools / "gephi-toolkit-0.10.1-all.jar"
    if not jar.exists():
        mvn = shutil.which("mvn")
        assert mvn, "Maven (mvn) is needed to resolve the Gephi Toolkit"
        tools.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                "dependency:copy",
                f"-Dartifact={TOOLKIT}",
                f"-DoutputDirectory={tools}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0 and jar.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    return jar


def gephi_reads(jar: Path, gexf: Path) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(issues as (level, message), the other facts) that Gephi reports for `gexf`."""
    proc = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-cp", str(jar), str(CHECK), str(gexf)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    issues, facts = [], {}
    for line in proc.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "issue":
            level, _, message = rest.partition("\t")
            issues.append((level, message))
        elif kind:
            facts[kind] = rest
    return issues, facts


def test_gephi_opens_the_network_export_with_colours_weights_and_timeline(
    demo: Demo, db: Driver, tmp_path: Path, gephi_toolkit: Path
) -> None:
    out = tmp_path / "net.gexf"
    nodes, edges = write_export(select_network(db, network=demo.network), "gexf", out)
    issues, facts = gephi_reads(gephi_toolkit, out)
    # Gephi's importer logs INFO lines as it goes; anything above that is a defect of the file
    assert [i for i in issues if i[0] != "INFO"] == []
    assert (int(facts["nodes"]), int(facts["edges"])) == (nodes, edges)
    assert int(facts["colours"]) >= 3  # by label: network, accounts, pages, IPs...
    assert int(facts["sizes"]) >= 3  # by degree
    assert int(facts["weighted"]) > 0  # edge weights (COORDINATED_WITH 7, USED_IP 4...)
    assert facts["dynamic"] == "true"  # the timeline from first/last seen
    assert {"neo4j_label", "followers"} <= set(facts["columns"].split(","))
