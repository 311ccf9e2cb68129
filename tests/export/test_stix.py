"""STIX 2.1: the bundle parses with stix2 (no custom content) and every object validates."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import stix2
from neo4j import Driver

from cibgraph.export import TLP, select_network, write_export
from tests.export.conftest import Demo


@pytest.mark.parametrize(
    ("tlp", "marking"),
    [("clear", stix2.TLP_WHITE), ("amber", stix2.TLP_AMBER), ("red", stix2.TLP_RED)],
)
def test_stix_bundle_validates_with_the_chosen_tlp(
    demo: Demo, db: Driver, tmp_path: Path, tlp: str, marking: object
) -> None:
    out = tmp_path / "net.stix.json"
    write_export(select_network(db, network=demo.network), "stix", out, tlp=TLP(tlp))
    bundle = stix2.parse(out.read_text(), allow_custom=False)
    objects = bundle.objects
    for obj in objects:  # each object again, alone: it validates on its own
        stix2.parse(obj.serialize(), allow_custom=False)
    kinds = Counter(o.type for o in objects)
    assert kinds == Counter(
        {
            "marking-definition": 1,
            "identity": 4,  # cibgraph, twitter, facebook, the group
            "campaign": 2,  # the network, demo_hk_2019
            "user-account": 8,  # 6 accounts, 2 pages
            "ipv4-addr": 1,
            "ipv6-addr": 1,
            "url": 1,
            "relationship": 25,
            "note": 26,  # one per relationship, one for the network's explanation
        }
    )
    marked = [o for o in objects if o.type != "marking-definition"]
    assert all(o.object_marking_refs == [marking.id] for o in marked)  # type: ignore[attr-defined]
    uses = [o for o in objects if o.type == "relationship" and o.relationship_type == "uses"]
    assert len(uses) == 9
    network = next(o for o in objects if o.type == "campaign" and o.name.startswith("cibgraph"))
    assert {u.source_ref for u in uses} == {network.id}
    assert json.loads(network.description)["target"] == demo.network
    accounts = {o.user_id: o for o in objects if o.type == "user-account"}
    assert accounts["1001"].account_login == "hk_truth"
    assert accounts["1001"].account_type == "twitter"
