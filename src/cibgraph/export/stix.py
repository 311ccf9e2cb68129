"""STIX 2.1 export with the `stix2` package: the network as a campaign, its members as observables.

Mapping: an `identity` (class organization) per platform and one for cibgraph as the producer;
the Network (or Case / seed) as a `campaign` or an `intrusion-set`; accounts and pages as
`user-account` (account_type = platform); groups as `identity` (class group); IPs as
`ipv4-addr` / `ipv6-addr`; URLs as `url`; domains as `domain-name`; campaigns attributed in the
sources as `campaign`. Every exported relationship becomes a `relationship` (`related-to`
unless a STIX verb fits: IN_NETWORK is the campaign `uses` the member, ATTRIBUTED_TO is
`attributed-to`), and its evidence a `note` about that relationship. Everything carries the TLP
marking the user chose. The bundle is written object by object, so memory stays flat.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

import stix2

from cibgraph.export.model import ExportEdge, ExportNode, Subgraph

NAMESPACE = uuid.UUID("6f0a0c3e-3f7d-5b2e-9c1a-2d1f5e8b7a41")  # ids of our SDOs, stable per key


class TLP(StrEnum):
    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


# TLP 2.0's CLEAR is TLP 1.0's WHITE, the marking definition STIX 2.1 ships.
_MARKINGS = {
    TLP.CLEAR: stix2.TLP_WHITE,
    TLP.GREEN: stix2.TLP_GREEN,
    TLP.AMBER: stix2.TLP_AMBER,
    TLP.RED: stix2.TLP_RED,
}


class NetworkAs(StrEnum):
    CAMPAIGN = "campaign"
    INTRUSION_SET = "intrusion-set"


def _sdo_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}|{key}')}"


def _when(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Mapper:
    def __init__(self, marking: Any, producer: Any, created: datetime) -> None:
        self.marking = marking
        self.producer = producer
        self.created = created
        self.ids: dict[str, str] = {}  # export node id -> STIX id (only what was exported)
        self.platforms: set[str] = set()

    def common(self) -> dict[str, Any]:
        return {
            "created_by_ref": self.producer.id,
            "created": self.created,
            "modified": self.created,
            "object_marking_refs": [self.marking.id],
        }

    def node(self, node: ExportNode) -> Iterator[Any]:
        p = node.props
        platform = p.get("platform")
        if isinstance(platform, str) and platform not in self.platforms:
            self.platforms.add(platform)
            yield stix2.Identity(
                id=_sdo_id("identity", f"platform:{platform}"),
                name=platform,
                identity_class="organization",
                description=f"the platform {platform}",
                **self.common(),
            )
        obj: Any = None
        marking = [self.marking.id]
        if node.label in ("Account", "Page"):
            obj = stix2.UserAccount(
                user_id=str(p.get("platform_id") or node.key),
                account_type=platform or None,
                account_login=p.get("handle") if node.label == "Account" else None,
                display_name=p.get("name"),
                account_created=_when(p.get("created_at")),
                object_marking_refs=marking,
            )
        elif node.label == "Group":
            obj = stix2.Identity(
                id=_sdo_id("identity", node.id),
                name=str(p.get("name") or node.key),
                identity_class="group",
                description=p.get("description"),
                **self.common(),
            )
        elif node.label == "IP":
            cls = stix2.IPv6Address if ":" in node.key else stix2.IPv4Address
            obj = cls(value=node.key, object_marking_refs=marking)
        elif node.label == "Url":
            obj = stix2.URL(value=node.key, object_marking_refs=marking)
        elif node.label == "Domain":
            obj = stix2.DomainName(value=node.key, object_marking_refs=marking)
        elif node.label == "Campaign":
            obj = stix2.Campaign(
                id=_sdo_id("campaign", node.id),
                name=node.key,
                description="a campaign named by a platform's disclosure",
                **self.common(),
            )
        if obj is not None:
            self.ids[node.id] = obj.id
            yield obj

    def edge(self, edge: ExportEdge, network_id: str | None, index: int) -> Iterator[Any]:
        src, dst = self.ids.get(edge.start), self.ids.get(edge.end)
        verb = "related-to"
        if edge.type == "IN_NETWORK" and network_id is not None and src is not None:
            src, dst, verb = network_id, src, "uses"
        elif edge.type == "ATTRIBUTED_TO":
            verb = "attributed-to"
        if src is None or dst is None:
            return
        description = edge.type.lower().replace("_", " ")
        rel = stix2.Relationship(
            id=_sdo_id("relationship", f"{edge.start}|{edge.type}|{edge.end}|{index}"),
            relationship_type=verb,
            source_ref=src,
            target_ref=dst,
            description=f"{edge.start} {description} {edge.end}",
            **self.common(),
        )
        yield rel
        if edge.evidence:
            yield stix2.Note(
                id=_sdo_id("note", rel.id),
                abstract=f"evidence: {description}",
                content=edge.evidence,
                object_refs=[rel.id],
                **self.common(),
            )


def write_stix(
    subgraph: Subgraph,
    out: IO[str],
    *,
    tlp: TLP = TLP.AMBER,
    network_as: NetworkAs = NetworkAs.CAMPAIGN,
) -> tuple[int, int]:
    """Write a STIX 2.1 bundle; returns (nodes mapped, relationships written)."""
    prov = subgraph.provenance
    created = prov.exported_at
    marking = _MARKINGS[TLP(tlp)]
    producer = stix2.Identity(
        id=_sdo_id("identity", "cibgraph"),
        name="cibgraph export",
        identity_class="system",
        created=created,
        modified=created,
        object_marking_refs=[marking.id],
    )
    mapper = _Mapper(marking, producer, created)
    out.write(f'{{"type": "bundle", "id": "bundle--{uuid.uuid4()}", "objects": [\n')
    first = True

    def emit(obj: Any) -> None:
        nonlocal first
        out.write("" if first else ",\n")
        out.write(obj.serialize())
        first = False

    emit(marking)
    emit(producer)
    network_id: str | None = None
    if prov.selection in ("network", "case"):
        cls = stix2.Campaign if network_as is NetworkAs.CAMPAIGN else stix2.IntrusionSet
        kind = "campaign" if cls is stix2.Campaign else "intrusion-set"
        network_id = _sdo_id(kind, f"{prov.selection}:{prov.target}")
        emit(
            cls(
                id=network_id,
                name=f"cibgraph {prov.selection} {prov.target}",
                description=json.dumps(prov.as_dict(), ensure_ascii=False, default=str),
                **mapper.common(),
            )
        )
    n = 0
    for node in subgraph.nodes():
        if node.label in ("Network", "Case") and network_id is not None:
            mapper.ids[node.id] = network_id
            explanation = node.props.get("explanation")
            if explanation:
                emit(
                    stix2.Note(
                        id=_sdo_id("note", node.id),
                        abstract=f"why cibgraph sees {node.key} as one network",
                        content=str(explanation),
                        object_refs=[network_id],
                        **mapper.common(),
                    )
                )
            continue
        for obj in mapper.node(node):
            emit(obj)
        n += 1
    m = 0
    for index, edge in enumerate(subgraph.edges()):
        for obj in mapper.edge(edge, network_id, index):
            if obj.type == "relationship":
                m += 1
            emit(obj)
    out.write("\n]}\n")
    return n, m
