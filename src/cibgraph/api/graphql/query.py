"""The read side of the API: look-ups, search, traversals, networks, evidence and timelines."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from cibgraph import traversals
from cibgraph.api.graphql.detections import KindArg
from cibgraph.api.graphql.errors import BadInput, NotFound
from cibgraph.api.graphql.ids import Ref, decode_cursor, decode_id, encode_id
from cibgraph.api.graphql.selection import selected
from cibgraph.api.graphql.types import (
    ENTITY_LABEL_NAMES,
    IP,
    NODE_PROPS,
    Case,
    Connection,
    DetectionRun,
    Entity,
    GraphEdge,
    GraphPath,
    Info,
    Network,
    NetworkMembership,
    Node,
    PostPair,
    SearchHit,
    SharedIp,
    SharePair,
    Subgraph,
    TimelineBucket,
    Viewer,
    build_entity,
    build_node,
    connection,
    entity_label,
    jsonable,
    network_with_members,
    page_size,
)
from cibgraph.detection.registry import get_signal
from cibgraph.ingest.ids import normalise_ip
from cibgraph.neo4j.schema import (
    ENTITY_LABELS,
    INTERNAL_LABELS,
    SEARCHABLE_LABELS,
    NodeLabel,
    RelType,
)

MAX_TEXT = 200
MAX_KEY = 1_000
MAX_IDS = 100
MAX_BUCKETS = 5_000
DEFAULT_NEIGHBOURHOOD_LIMIT = traversals.DEFAULT_NODE_LIMIT

#: What searches and neighbourhoods can be limited to: the entities, and networks.
FILTER_LABELS = (*ENTITY_LABELS, NodeLabel.NETWORK)

# Registers the allow-list itself as a GraphQL enum, so resolvers take RelType values.
strawberry.enum(RelType, name="RelationshipType")


@strawberry.enum(description="Which way relationships are followed from the start node.")
class Direction(Enum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


if TYPE_CHECKING:
    EntityType = NodeLabel  # the GraphQL enum's members have the same names and values
else:
    # The entity labels and Network, derived from the label metadata.
    EntityType = strawberry.enum(
        Enum("EntityType", [(label.name, label.value) for label in FILTER_LABELS]),
        description="Labels a search or a neighbourhood can be limited to.",
    )


SEARCHABLE = frozenset(label.value for label in SEARCHABLE_LABELS)


@strawberry.enum(description="How networks are ordered.")
class NetworkOrder(Enum):
    RANK = "RANK"
    SCORE = "SCORE"
    SIZE = "SIZE"


@strawberry.enum(description="The width of a timeline bucket (weeks start on Monday).")
class Bucket(Enum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


_BUCKET_LENGTH = {
    Bucket.HOUR: timedelta(hours=1),
    Bucket.DAY: timedelta(days=1),
    Bucket.WEEK: timedelta(weeks=1),
}


@strawberry.input(description="Which networks to list.")
class NetworkFilter:
    run: str | None = strawberry.field(
        default=None, description="A fusion run's key (default: the latest complete run)."
    )
    min_score: float | None = None
    min_size: int | None = None
    signal: str | None = strawberry.field(
        default=None, description="Only networks this signal holds together (e.g. coordination)."
    )


# --- helpers --------------------------------------------------------------------------------

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_OPERATOR = re.compile(r"\b(AND|OR|NOT|TO)\b")


def lucene_escape(text: str) -> str:
    """User text as literal Lucene terms: special characters escaped, operators lower-cased."""
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", text)
    return _LUCENE_OPERATOR.sub(lambda m: m.group(1).lower(), escaped)


def _text(name: str, value: str, *, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if not value:
        raise BadInput(f"{name} must not be empty")
    if len(value) > limit:
        raise BadInput(f"{name} must be at most {limit} characters")
    return value


async def _node(info: Info, ref: Ref) -> Node | None:
    props = await info.context.loaders.nodes.load(ref)
    return None if props is None else build_node(ref.label, props)


async def _entity(info: Info, ref: Ref) -> Entity | None:
    props = await info.context.loaders.nodes.load(ref)
    return None if props is None else build_entity(ref.label, props)


def _graph_parts(
    raw_nodes: list[dict[str, Any]], raw_edges: list[dict[str, Any]]
) -> tuple[list[Node], list[GraphEdge]]:
    """Nodes the API exposes, and the edges between two of them, with global ids."""
    nodes: list[Node] = []
    gid_of: dict[str, strawberry.ID] = {}  # each node's global id, worked out once
    for n in raw_nodes:
        label = entity_label(n["labels"])
        if label is None:
            continue
        node = build_node(label, n["props"])
        gid_of[n["key"]] = strawberry.ID(encode_id(label, n["key"]))
        nodes.append(node)
    edges = [
        GraphEdge(
            id=e["id"],
            type=e["type"],
            source=gid_of[e["start"]],
            target=gid_of[e["end"]],
            properties=jsonable(e["props"]) if e["props"] else {},
        )
        for e in raw_edges
        if e["start"] in gid_of and e["end"] in gid_of
    ]
    return nodes, edges


# --- the Query type -------------------------------------------------------------------------

IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


@strawberry.type(description="How many nodes of one label the graph holds.")
class LabelCount:
    label: str
    nodes: int


@strawberry.type
class Query:
    @strawberry.field(description="How many nodes of each label the graph holds.")
    async def label_counts(self, info: Info) -> list[LabelCount]:
        rows = await info.context.db.read("meta/label_counts", {})
        return [
            LabelCount(label=r["label"], nodes=r["nodes"])
            for r in rows
            if r["label"] not in INTERNAL_LABELS
        ]

    @strawberry.field(description="The holder of the API key used.")
    def viewer(self, info: Info) -> Viewer | None:
        p = info.context.principal
        return None if p is None else Viewer(name=p.name, role=p.role.value)

    @strawberry.field(description="Any node by its global id (null when it no longer exists).")
    async def node(self, info: Info, id: IdArg) -> Node | None:
        return await _node(info, decode_id(id))

    @strawberry.field(description="Several nodes by global id (at most 100), in the same order.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_IDS:
            raise BadInput(f"at most {MAX_IDS} ids at once")
        refs = [decode_id(i) for i in ids]
        found = await info.context.loaders.nodes.load_many(refs)
        return [
            None if p is None else build_node(r.label, p) for r, p in zip(refs, found, strict=True)
        ]

    @strawberry.field(description="An account by platform and the platform's own id.")
    async def account(self, info: Info, platform: str, platform_id: str) -> Entity | None:
        return await _by_platform_id(info, "Account", platform, platform_id)

    @strawberry.field(description="A page by platform and the platform's own id.")
    async def page(self, info: Info, platform: str, platform_id: str) -> Entity | None:
        return await _by_platform_id(info, "Page", platform, platform_id)

    @strawberry.field(description="A group by platform and the platform's own id.")
    async def group(self, info: Info, platform: str, platform_id: str) -> Entity | None:
        return await _by_platform_id(info, "Group", platform, platform_id)

    @strawberry.field(description="Accounts with this exact handle (on one platform or any).")
    async def accounts_by_handle(
        self, info: Info, handle: str, platform: str | None = None, first: int | None = 20
    ) -> list[Entity]:
        rows = await info.context.db.read(
            "api/accounts_by_handle",
            {
                "handle": _text("handle", handle),
                "platform": platform,
                "limit": page_size(first),
                "props": NODE_PROPS.props_for(selected(info)),
            },
        )
        return [e for r in rows if (e := build_entity(r["label"], r["props"])) is not None]

    @strawberry.field(description="An IP by address (IPv4 or IPv6, any spelling).")
    async def ip(self, info: Info, address: str) -> Entity | None:
        try:
            key = normalise_ip(_text("address", address, limit=64))
        except ValueError:
            raise BadInput("address is not an IP address") from None
        return await _entity(info, Ref("IP", key))

    @strawberry.field(description="A domain, URL, hashtag, media hash or campaign by its key.")
    async def entity(self, info: Info, type: EntityType, key: str) -> Entity | None:
        if type.value not in ENTITY_LABEL_NAMES:
            raise BadInput(f"{type.name} is not an entity type")
        value = _text("key", key, limit=MAX_KEY)
        if type is EntityType.HASHTAG:
            value = value.lstrip("#").lower()
        elif type is EntityType.DOMAIN:
            value = value.lower()
        return await _entity(info, Ref(type.value, value))

    @strawberry.field(description="Fulltext search over names, handles and descriptions.")
    async def search(
        self,
        info: Info,
        text: str,
        types: list[EntityType] | None = None,
        first: int | None = 20,
    ) -> list[SearchHit]:
        labels = sorted({t.value for t in types or []})
        if set(labels) - SEARCHABLE:
            raise BadInput(f"search covers only {', '.join(sorted(SEARCHABLE))}")
        n = page_size(first)
        rows = await info.context.db.read(
            "api/search",
            {
                "text": lucene_escape(_text("text", text)),
                "labels": labels,
                "fetch": n * 5 if labels else n,
                "limit": n,
            },
        )
        return [
            SearchHit(score=r["score"], node=entity)
            for r in rows
            if r["label"] is not None and (entity := build_entity(r["label"], r["props"]))
        ]

    @strawberry.field(description="The nodes within `depth` hops and the edges between them.")
    async def neighbourhood(
        self,
        info: Info,
        id: IdArg,
        depth: int = 1,
        relationship_types: list[RelType] | None = None,
        direction: Direction = Direction.BOTH,
        labels: list[EntityType] | None = None,
        limit: int = DEFAULT_NEIGHBOURHOOD_LIMIT,
    ) -> Subgraph:
        ref = decode_id(id)
        try:  # the bounds every front end shares (an empty type list means all, as before)
            request = traversals.NeighbourhoodRequest.check(
                key=ref.key,
                label=ref.label,
                depth=depth,
                rel_types=relationship_types or None,
                direction=direction.value,
                labels=[t.value for t in labels] if labels else None,
                limit=limit,
            )
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        params = request.params(
            node_props=NODE_PROPS.props_for(selected(info, ("nodes",))),
            edge_props="properties" in (selected(info, ("edges",)) or ()),
        )
        rows = await info.context.db.read_heavy("traverse/neighbourhood", params)
        if not rows or not rows[0]["nodes"]:
            raise NotFound("no node has this id")
        nodes, edges = _graph_parts(rows[0]["nodes"], rows[0]["edges"])
        return Subgraph(
            nodes=nodes,
            edges=edges,
            truncated=rows[0]["truncated"],
            edges_truncated=rows[0]["edges_truncated"],
        )

    @strawberry.field(description="The shortest paths (at most maxLength hops) between two nodes.")
    async def shortest_paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_length: int = 4,
        relationship_types: list[RelType] | None = None,
        first: int | None = 25,
    ) -> list[GraphPath]:
        a, b = decode_id(from_), decode_id(to)
        if a == b:
            raise BadInput("from and to name the same node")
        try:
            request = traversals.PathsRequest.check(
                from_key=a.key,
                from_label=a.label,
                to_key=b.key,
                to_label=b.label,
                max_length=max_length,
                rel_types=relationship_types or None,
                max_paths=max(page_size(first), 1),
            )
        except ValueError as exc:
            raise BadInput(str(exc).replace("max_length", "maxLength")) from None
        rows = await info.context.db.read_heavy("traverse/shortest_paths", request.params())
        paths = []
        for r in rows:
            nodes, edges = _graph_parts(r["nodes"], r["edges"])
            paths.append(GraphPath(nodes=nodes, edges=edges))
        paths.sort(key=lambda p: [n.key for n in p.nodes])
        return paths

    @strawberry.field(description="Detected networks (default: of the latest fusion run).")
    async def networks(
        self,
        info: Info,
        filter: NetworkFilter | None = None,
        order_by: NetworkOrder = NetworkOrder.RANK,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Network]:
        f = filter or NetworkFilter()
        n, skip = page_size(first), decode_cursor(after)
        rows = await info.context.db.read(
            "api/networks",
            {
                "run": f.run,
                "min_score": f.min_score,
                "min_size": f.min_size,
                "signal": f.signal,
                "order": order_by.value,
                "skip": skip,
                "limit": n,
            },
        )
        row: dict[str, Any] = rows[0] if rows else {"total": 0, "networks": []}
        return connection(
            [Network.from_props(p) for p in row["networks"]], skip=skip, total=row["total"]
        )

    @strawberry.field(description="One network by its global id.")
    async def network(self, info: Info, id: IdArg) -> Network | None:
        props = await network_with_members(info, decode_id(id, expect={"Network"}).key)
        return None if props is None else Network.from_props(props)

    @strawberry.field(
        description="The networks an entity belongs to, strongest first: those of the fusion "
        "run `run` (default: the latest complete one, as `networks` lists)."
    )
    async def network_of(
        self, info: Info, entity: IdArg, run: str | None = None
    ) -> list[NetworkMembership]:
        ref = decode_id(entity, expect=ENTITY_LABEL_NAMES)
        if run is not None:
            run = _text("run", run, limit=MAX_KEY)
        loaders = info.context.loaders
        # Both at once: whether the entity exists and its memberships (one round trip, not two).
        found, rows = await asyncio.gather(
            loaders.nodes.load(ref), loaders.networks_of.load((ref, run))
        )
        if found is None:
            raise NotFound("no node has this id")
        return [
            NetworkMembership(
                network=Network.from_props(r["network"]),
                score=r["score"],
                evidence=r["evidence"] or [],
            )
            for r in rows
        ]

    @strawberry.field(description="The IPs an account used and the other accounts behind each.")
    async def shared_ips(self, info: Info, account: IdArg, max_others: int = 20) -> list[SharedIp]:
        ref = decode_id(account, expect={"Account"})
        if not 0 <= max_others <= 100:
            raise BadInput("maxOthers must be between 0 and 100")
        rows = await info.context.db.read(
            "investigate/shared_ips_of_account", {"account": ref.key, "max_others": max_others}
        )
        return [
            SharedIp(
                ip=IP.from_props({"key": r["ip"]}),
                access=r["access"],
                first_seen=r["first_seen"],
                last_seen=r["last_seen"],
                count=r["count"],
                accounts=r["accounts"],
                other_refs=[Ref("Account", k) for k in r["others"]],
            )
            for r in rows
        ]

    @strawberry.field(
        description="The pairs of shares (same object, within timeWindow seconds) that tie two "
        "accounts: the evidence behind a coordination edge."
    )
    async def coordination_evidence(
        self,
        info: Info,
        a: strawberry.ID,
        b: strawberry.ID,
        time_window: int = 60,
        first: int | None = 100,
    ) -> list[SharePair]:
        ra, rb = decode_id(a, expect={"Account"}), decode_id(b, expect={"Account"})
        if ra == rb:
            raise BadInput("a and b name the same account")
        if not 0 <= time_window <= 86_400:
            raise BadInput("timeWindow must be between 0 and 86400 seconds")
        n = page_size(first)
        rows = await info.context.db.read_heavy(
            "detect/coordination_evidence", {"a": ra.key, "b": rb.key, "time_window": time_window}
        )
        return [
            SharePair(
                object_key=r["object"],
                a_content_id=r["a_content_id"],
                a_at=r["a_at"],
                b_content_id=r["b_content_id"],
                b_at=r["b_at"],
                delta=r["delta"],
            )
            for r in rows[:n]
        ]

    @strawberry.field(
        description="The pairs of posts behind the edge between two accounts of a signal that "
        "lists them (COPYPASTE, NEARDUP, COREPLY, COMENTION), in run `run` (default: the "
        "signal's latest complete run): earliest first, or most similar first for NEARDUP."
    )
    async def signal_evidence(
        self,
        info: Info,
        kind: KindArg,
        a: strawberry.ID,
        b: strawberry.ID,
        run: str | None = None,
        first: int | None = 100,
    ) -> list[PostPair]:
        ra, rb = decode_id(a, expect={"Account"}), decode_id(b, expect={"Account"})
        if ra == rb:
            raise BadInput("a and b name the same account")
        try:
            signal = get_signal(str(kind.value))
        except ValueError:
            signal = None
        if signal is None or signal.pairs is None:
            raise BadInput(f"{kind.value} lists no pairs of posts")
        n = page_size(first)
        if run is None:
            latest = await info.context.db.read("detect/latest_run", {"kind": signal.kind})
            if not latest:
                return []
            run = str(latest[0]["run"])
        run = _text("run", run, limit=MAX_KEY)
        rows = await info.context.db.read(signal.pairs, {"a": ra.key, "b": rb.key, "run": run})
        return [
            PostPair(
                a_post=r["a_post"],
                a_at=r["a_at"],
                a_text=r["a_text"],
                b_post=r["b_post"],
                b_at=r["b_at"],
                b_text=r["b_text"],
                object_key=r["object"],
                delta=r["delta"],
                similarity=r["similarity"],
            )
            for r in rows[:n]
        ]

    @strawberry.field(description="Creations and share events of these entities per time bucket.")
    async def timeline(
        self,
        info: Info,
        ids: list[strawberry.ID],
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        bucket: Bucket = Bucket.DAY,
    ) -> list[TimelineBucket]:
        if not 1 <= len(ids) <= MAX_IDS:
            raise BadInput(f"ids must name 1 to {MAX_IDS} nodes")
        refs = [decode_id(i) for i in ids]
        if from_.tzinfo is None or to.tzinfo is None:
            raise BadInput("from and to need a time zone (e.g. 2019-08-01T00:00:00Z)")
        try:  # an offset can push a time at either end of the calendar out of it
            from_, to = from_.astimezone(UTC), to.astimezone(UTC)
        except (OverflowError, ValueError):
            raise BadInput(
                "from and to must lie between 0001-01-01 and 9999-12-31 in UTC"
            ) from None
        if to <= from_:
            raise BadInput("to must be after from")
        if (to - from_) / _BUCKET_LENGTH[bucket] > MAX_BUCKETS:
            raise BadInput(f"at most {MAX_BUCKETS} buckets: choose a wider bucket")
        rows = await info.context.db.read_heavy(
            "api/timeline",
            {"refs": [r.param() for r in refs], "from": from_, "to": to, "unit": bucket.value},
        )
        return [
            TimelineBucket(start=r["bucket"], creations=r["creations"], shares=r["shares"])
            for r in rows
        ]

    @strawberry.field(description="Investigation cases, newest first.")
    async def cases(
        self,
        info: Info,
        status: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Case]:
        if status not in (None, "open", "closed"):
            raise BadInput("status must be open or closed")
        n, skip = page_size(first), decode_cursor(after)
        rows = await info.context.db.read("api/cases", {"status": status, "skip": skip, "limit": n})
        row = rows[0]
        return connection([Case.from_props(p) for p in row["cases"]], skip=skip, total=row["total"])

    @strawberry.field(description="Detection runs, newest first.")
    async def detection_runs(
        self,
        info: Info,
        kind: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[DetectionRun]:
        n, skip = page_size(first), decode_cursor(after)
        rows = await info.context.db.read("api/runs", {"kind": kind, "skip": skip, "limit": n})
        row = rows[0]
        return connection(
            [DetectionRun.from_props(p) for p in row["runs"]], skip=skip, total=row["total"]
        )


async def _by_platform_id(info: Info, label: str, platform: str, platform_id: str) -> Entity | None:
    platform = _text("platform", platform, limit=40).lower()
    native = _text("platformId", platform_id, limit=MAX_KEY)
    return await _entity(info, Ref(label, f"{platform}:{native}"))
