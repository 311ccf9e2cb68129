"""startDetection's kinds and parameters come from the signal registry: every one is settable."""

from __future__ import annotations

import re
from pathlib import Path

from neo4j import Driver

from cibgraph.api.graphql.detections import FUSION_SPECS
from cibgraph.api.graphql.schema import schema
from cibgraph.detection.registry import SIGNALS
from cibgraph.ingest.base import run_load
from cibgraph.ingest.coortweet import CooRTweetLoader
from tests.api.conftest import Gql


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def test_the_schema_has_every_kind_and_every_parameter() -> None:
    sdl = schema.as_str()
    kinds = sdl.split("enum DetectionKind {", 1)[1].split("}", 1)[0].split()
    assert kinds == [s.kind.upper() for s in SIGNALS] + ["NETWORKS"]
    body = sdl.split("input DetectionParams {", 1)[1].split("}", 1)[0]
    fields = set(
        re.findall(
            r"^\s*(\w+): (?:Int|Float|Boolean|String|\[String!\]) = null$", body, re.MULTILINE
        )
    )
    wanted = {_camel(p.name) for s in SIGNALS for p in s.param_specs}
    wanted |= {_camel(p.name) for p in FUSION_SPECS}
    assert fields == wanted
    assert "maxGap: Int = null" in body and "minJaccard: Float = null" in body


def test_every_signal_takes_its_parameters(seeded: Driver, gql: Gql) -> None:
    body = gql(
        """mutation {
          a: startDetection(kind: COHORTS, params: {maxGap: 120, minSize: 3, neighbours: 2}) {
            kind status properties
          }
          b: startDetection(kind: CONTROL, params: {maxAdmins: 7, minJaccard: 0.5}) {
            kind properties
          }
          c: startDetection(kind: INFRASTRUCTURE, params: {disjointFactor: 0.25}) {
            properties
          }
        }"""
    )
    assert "errors" not in body, body
    a, b, c = (body["data"][k]["properties"] for k in "abc")
    assert (a["max_gap"], a["min_size"], a["neighbours"]) == (120, 3, 2)
    assert (b["max_admins"], b["min_common"], b["min_jaccard"]) == (7, 3, 0.5)
    assert (c["max_accounts"], c["disjoint_factor"]) == (100, 0.25)


def test_networks_runs_what_is_missing_then_fuses(seeded: Driver, gql: Gql) -> None:
    body = gql(
        "mutation { startDetection(kind: NETWORKS, params: {minSize: 3, minScore: 0.1}) "
        "{ kind status properties } }"
    )
    assert "errors" not in body, body
    run = body["data"]["startDetection"]
    assert (run["kind"], run["status"]) == ("networks", "complete")
    assert (run["properties"]["min_size"], run["properties"]["min_score"]) == (3, 0.1)
    # every signal ran first (coordination with its pipeline defaults)
    assert {k for k in run["properties"] if k.endswith("_run")} == {
        f"{s.kind}_run" for s in SIGNALS
    }


def test_bad_detection_parameters_get_one_line(seeded: Driver, gql: Gql) -> None:
    cases = {
        "kind: COHORTS, params: {maxAccounts: 5}": "maxAccounts does not apply to cohorts",
        "kind: COORDINATION, params: {timeWindow: 60}": "coordination needs minParticipation",
        "kind: INFRASTRUCTURE, params: {maxAccounts: 2}": (
            "invalid parameters: max_accounts must be at least 3, not 2"
        ),
        "kind: NETWORKS, params: {minScore: 2.0}": (
            "invalid parameters: min_score must be at most 1, not 2.0"
        ),
    }
    for args, message in cases.items():
        body = gql(f"mutation {{ startDetection({args}) {{ id }} }}")
        assert body["errors"][0]["message"] == message, args
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_coordination_takes_its_scope(db: Driver, gql: Gql, tmp_path: Path) -> None:
    fixture = Path(__file__).parents[2] / "detection" / "data" / "coortweet_multi_object.csv"
    run_load(CooRTweetLoader(), fixture, driver=db, rejects_dir=tmp_path)
    body = gql(
        """mutation { startDetection(kind: COORDINATION, params: {timeWindow: 30,
             minParticipation: 2, objectType: ["url", "media"], perType: true}) {
             status properties } }"""
    )
    assert "errors" not in body, body
    p = body["data"]["startDetection"]["properties"]
    # the edges of CooRTweet's rbind of the URL and image-hash groups (tests/detection/test_scope)
    assert (p["object_types"], p["per_type"], p["edges"]) == (["url", "media"], True, 30)
