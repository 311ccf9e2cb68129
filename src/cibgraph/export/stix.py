"""STIX 2.1 export with the `stix2` package: the network as a campaign, its members as observables.

Mapping: an `identity` (class organization) per platform and one for cibgraph as the producer;
the Network (or Case / seed) as a `campaign` or an `intrusion-set`, by choice, described by the
network's explanation and the export's provenance; accounts and pages as `user-account`
(account_type = platform); groups as `identity` (class group); IPs as `ipv4-addr` /
`ipv6-addr`; URLs as `url`; domains as `domain-name`; campaigns attributed in the sources as
`campaign`. Every exported link becomes one `relationship` (`related-to` unless a STIX verb
fits: IN_NETWORK is the campaign `uses` the member, ATTRIBUTED_TO is `attributed-to`) that
carries its own evidence: the description says why it exists, `start_time`/`stop_time` when it
was first and last seen, `confidence` the strength of its signal (a member's score for
IN_NETWORK, the signal's strength in the network for a detection's link). Ids are
deterministic (UUIDv5 over stable keys; observables by STIX's own id-contributing properties),
so exporting an updated network again gives the same objects the same ids. Everything carries
the TLP marking the user chose. The bundle is written object by object, so memory stays flat.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import IO, Any

import stix2

from cibgraph.export.common import edge_span
from cibgraph.export.model import ExportEdge, ExportNode, Subgraph

MAX_EVIDENCE = 5  # evidence lines quoted in one relationship's description
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


def _stamp(value: datetime) -> str:
    """A STIX timestamp: UTC, millisecond precision, as stix2 writes `created`."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


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
        self.run_kinds: dict[str, str] = {}  # detection run key -> its signal's kind
        self.stamp = _stamp(created)

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

    def links(
        self, edges: Iterator[ExportEdge], network_id: str | None, strengths: dict[str, float]
    ) -> Iterator[Any]:
        """One relationship per (start, type, end): parallel links (one per share, say) arrive
        one after the other from the ordered edge query and are folded into it."""
        group: list[ExportEdge] = []
        for edge in edges:
            if group and (edge.start, edge.type, edge.end) != (
                group[0].start,
                group[0].type,
                group[0].end,
            ):
                yield from self.relationship(group, network_id, strengths)
                group = []
            group.append(edge)
        if group:
            yield from self.relationship(group, network_id, strengths)

    def relationship(
        self, group: list[ExportEdge], network_id: str | None, strengths: dict[str, float]
    ) -> Iterator[Any]:
        first = group[0]
        src, dst = self.ids.get(first.start), self.ids.get(first.end)
        verb = "related-to"
        if first.type == "IN_NETWORK" and network_id is not None and src is not None:
            src, dst, verb = network_id, src, "uses"
        elif first.type == "ATTRIBUTED_TO":
            verb = "attributed-to"
        if src is None or dst is None:
            return
        words = first.type.lower().replace("_", " ")
        evidence = list(dict.fromkeys(e.evidence for e in group if e.evidence))
        shown = "; ".join(evidence[:MAX_EVIDENCE])
        if len(evidence) > MAX_EVIDENCE:
            shown += f"; and {len(evidence) - MAX_EVIDENCE} more"
        times: dict[str, datetime] = {}
        spans = [span for e in group if (span := edge_span(e.props)) is not None]
        if spans:
            begin, end = min(a for a, _ in spans), max(b for _, b in spans)
            times["start_time"] = begin
            if end > begin:
                times["stop_time"] = end
        # Relationships are most of a bundle: written as the plain STIX JSON that
        # stix2.Relationship would serialize, without its per-object validation (tests parse
        # every relationship back with stix2 and run the official validator over the bundle).
        rel: dict[str, Any] = {
            "type": "relationship",
            "spec_version": "2.1",
            "id": _sdo_id("relationship", f"{first.start}|{first.type}|{first.end}"),
            "created_by_ref": self.producer.id,
            "created": self.stamp,
            "modified": self.stamp,
            "relationship_type": verb,
            "description": f"{first.start} {words} {first.end}"
            + (f" ({len(group)} times)" if len(group) > 1 else "")
            + (f": {shown}" if shown else ""),
            "source_ref": src,
            "target_ref": dst,
        }
        rel.update({k: _stamp(v) for k, v in times.items()})
        confidence = self.confidence(group, strengths)
        if confidence is not None:
            rel["confidence"] = confidence
        rel["object_marking_refs"] = [self.marking.id]
        yield rel

    def confidence(self, group: list[ExportEdge], strengths: dict[str, float]) -> int | None:
        """0-100: a member's score in its network, or its signal's strength in the network."""
        values: list[float] = []
        for e in group:
            if e.type == "IN_NETWORK" and isinstance(e.props.get("score"), int | float):
                values.append(float(e.props["score"]))
            elif (kind := self.run_kinds.get(str(e.props.get("run")))) in strengths:
                values.append(strengths[kind])
        if not values:
            return None
        return max(0, min(100, round(100 * max(values))))


def _signal_strengths(props: dict[str, Any]) -> dict[str, float]:
    signals, values = props.get("signals"), props.get("signal_strengths")
    if not isinstance(signals, list) or not isinstance(values, list):
        return {}
    return {str(k): float(v) for k, v in zip(signals, values, strict=False)}


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
    mapper.run_kinds = {str(r.get("key")): str(r.get("kind")) for r in prov.runs}
    out.write(f'{{"type": "bundle", "id": "bundle--{uuid.uuid4()}", "objects": [\n')
    first = True

    def emit(obj: Any) -> None:
        nonlocal first
        out.write("" if first else ",\n")
        out.write(json.dumps(obj, ensure_ascii=False) if isinstance(obj, dict) else obj.serialize())
        first = False

    emit(marking)
    emit(producer)
    network_id: str | None = None
    network_cls: Any = None
    if prov.selection in ("network", "case"):
        network_cls = stix2.Campaign if network_as is NetworkAs.CAMPAIGN else stix2.IntrusionSet
        kind = "campaign" if network_cls is stix2.Campaign else "intrusion-set"
        network_id = _sdo_id(kind, f"{prov.selection}:{prov.target}")
    provenance = json.dumps(prov.as_dict(), ensure_ascii=False, default=str)
    strengths: dict[str, float] = {}
    described = False
    n = 0
    for node in subgraph.nodes():
        if node.label in ("Network", "Case") and network_id is not None:
            mapper.ids[node.id] = network_id
            if node.key != prov.target or described:
                continue
            strengths = _signal_strengths(node.props)
            explanation = str(node.props.get("explanation") or node.props.get("title") or "")
            score = node.props.get("score")
            extra = {"confidence": round(100 * score)} if isinstance(score, float) else {}
            emit(
                network_cls(
                    id=network_id,
                    name=f"cibgraph {prov.selection} {prov.target}",
                    description=(explanation + "\n\n" if explanation else "")
                    + f"Provenance: {provenance}",
                    **extra,
                    **mapper.common(),
                )
            )
            described = True
            continue
        for obj in mapper.node(node):
            emit(obj)
        n += 1
    if network_id is not None and not described:
        emit(
            network_cls(
                id=network_id,
                name=f"cibgraph {prov.selection} {prov.target}",
                description=f"Provenance: {provenance}",
                **mapper.common(),
            )
        )
    m = 0
    for obj in mapper.links(subgraph.edges(), network_id, strengths):
        m += 1
        emit(obj)
    out.write("\n]}\n")
    return n, m
