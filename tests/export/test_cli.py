"""`cibgraph export`: every format of the network, and a redacted one."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from cibgraph.cli import app
from tests.export.conftest import Demo


@pytest.mark.parametrize("fmt", ["csv", "json", "graphml", "gexf", "cypher", "stix"])
def test_export_network_writes_each_format(
    demo: Demo, db: Driver, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"net.{fmt}"
    args = ["export", "network", demo.network, "--format", fmt, "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--redact", "--salt", "pepper-pepper", "--tlp", "red"])
    assert result.exit_code == 0, result.output
    nodes = 13 if fmt == "stix" else 14  # STIX folds the Network node into the campaign
    assert f"{nodes} nodes, 25 edges" in result.output
    assert out.stat().st_size > 0
    assert b"susan48213377" not in out.read_bytes()


def test_export_refuses_redaction_without_salt_and_unknown_keys(
    demo: Demo, db: Driver, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.json")
    r = CliRunner().invoke(
        app, ["export", "network", demo.network, "-f", "json", "-o", out, "--redact"]
    )
    assert (r.exit_code, "--redact needs --salt" in r.output) == (1, True)
    r = CliRunner().invoke(app, ["export", "case", "nope", "-f", "json", "-o", out])
    assert (r.exit_code, "no Case has key 'nope'" in r.output) == (1, True)


def test_export_options_colour_size_and_network_as(demo: Demo, db: Driver, tmp_path: Path) -> None:
    import json
    import re

    def export(fmt: str, *extra: str) -> str:
        out = tmp_path / f"{'-'.join(extra) or 'default'}.{fmt}"
        args = ["export", "network", demo.network, "-f", fmt, "-o", str(out), *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return out.read_text()

    def colours(gexf: str) -> set[str]:
        return set(re.findall(r'<viz:color r="\d+" g="\d+" b="\d+"/>', gexf))

    def sizes(gexf: str) -> list[str]:
        return re.findall(r'<viz:size value="([^"]+)"/>', gexf)

    by_label, by_network = export("gexf"), export("gexf", "--colour-by", "network")
    # by label: one colour per label present (Network, Account, Page...); by network: the
    # members share their network's colour, so fewer distinct colours than labels
    assert len(colours(by_label)) > len(colours(by_network)) >= 1
    assert sizes(export("gexf", "--size-by", "score")) != sizes(by_label)
    campaign = json.loads(export("stix"))
    intrusion = json.loads(export("stix", "--network-as", "intrusion-set"))
    kinds = [{o["type"] for o in b["objects"]} for b in (campaign, intrusion)]
    assert "campaign" in kinds[0] and "intrusion-set" not in kinds[0]
    assert "intrusion-set" in kinds[1]


def test_export_refuses_an_unknown_option_value_in_one_line(
    demo: Demo, db: Driver, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.gexf")
    r = CliRunner().invoke(
        app, ["export", "network", demo.network, "-f", "gexf", "-o", out, "--size-by", "mass"]
    )
    assert r.exit_code == 1
    assert r.output.strip() == "error: --size-by 'mass' is not one of: degree, score"
    assert not Path(out).exists()
