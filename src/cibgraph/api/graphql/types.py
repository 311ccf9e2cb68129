"""GraphQL output types: entities behind a Relay Node interface, networks, evidence, cases."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Generic, Self, TypeVar

import strawberry
from strawberry.scalars import JSON

from cibgraph.api.graphql.context import Context
from cibgraph.api.graphql.dataloaders import MemberPage
from cibgraph.api.graphql.db import Row
from cibgraph.api.graphql.errors import BadInput
from cibgraph.api.graphql.ids import Ref, decode_cursor, encode_cursor, encode_id
from cibgraph.api.graphql.selection import StoredProps, field_arguments, selected
from cibgraph.neo4j.schema import ENTITY_LABELS, EXPOSED_LABELS, MEMBER_LABELS, NodeLabel

Info = strawberry.Info[Context, None]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_size(first: int | None, *, maximum: int = MAX_PAGE_SIZE) -> int:
    """`first`, checked: 0 to `maximum` (default 20); anything else is a client error."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if not 0 <= first <= maximum:
        raise BadInput(f"first must be between 0 and {maximum}, not {first}")
    return first


def jsonable(value: Any) -> Any:
    """Properties as JSON: datetimes as ISO 8601 strings, recursively."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


# --- interfaces -----------------------------------------------------------------------------


@strawberry.interface(description="A node of the graph, with a global id (base64 of Label:key).")
class Node:
    key: str
    properties: JSON = strawberry.field(description="Every stored property (times as ISO 8601).")

    @strawberry.field(description="The global id: base64 of 'Label:key'.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(label_of(self), self.key))

    @classmethod
    def from_props(cls, props: Row) -> Self:
        """An object of this type from a node's stored properties."""
        return cls(**_plan(cls)(props))


@strawberry.type(description="A tag on an entity, with who added it and when.")
class Tag:
    name: str
    author: str | None
    created_at: datetime | None


@strawberry.interface(description="A node investigators can annotate with notes and tags.")
class Annotatable(Node):
    @strawberry.field(description="Investigators' notes, oldest first.")
    async def notes(self, info: Info) -> list[Note]:
        rows = await info.context.loaders.annotations_of.load(ref_of(self))
        return [Note.from_props(r["props"]) for r in rows if r["props"].get("kind") == "note"]

    @strawberry.field(description="Tags, oldest first.")
    async def tags(self, info: Info) -> list[Tag]:
        rows = await info.context.loaders.annotations_of.load(ref_of(self))
        return [
            Tag(name=p["text"], author=p.get("author"), created_at=p.get("created_at"))
            for p in (r["props"] for r in rows)
            if p.get("kind") == "tag"
        ]


@strawberry.interface(description="Something a network can hold or a case can name.")
class Entity(Annotatable):
    @strawberry.field(
        description="The detected networks this entity belongs to, strongest first: those of "
        "the fusion run `run` (default: the latest complete one, as `networks` lists)."
    )
    async def networks(self, info: Info, run: str | None = None) -> list[NetworkMembership]:
        rows = await info.context.loaders.networks_of.load((ref_of(self), run))
        return [
            NetworkMembership(
                network=Network.from_props(r["network"]),
                score=r["score"],
                evidence=r["evidence"] or [],
            )
            for r in rows
        ]

    @strawberry.field(description="The disclosed campaigns it is attributed to.")
    async def campaigns(self, info: Info) -> list[Campaign]:
        rows = await info.context.loaders.campaigns_of.load(ref_of(self))
        return [Campaign.from_props(r["props"]) for r in rows]


# --- entities -------------------------------------------------------------------------------


@strawberry.type(description="A social media account.")
class Account(Entity):
    platform: str | None = None
    platform_id: str | None = None
    handle: str | None = None
    name: str | None = None
    description: str | None = None
    location: str | None = None
    profile_url: str | None = None
    followers: int | None = None
    following: int | None = None
    created_at: datetime | None = None
    language: str | None = None
    client: str | None = None
    hashed: bool | None = None
    repurposed_at: datetime | None = strawberry.field(
        default=None,
        description="A REPURPOSED finding's change point: the first activity after it (null: "
        "no finding in the latest repurposed run).",
    )
    repurposed_aspects: list[str] | None = strawberry.field(
        default=None, description="What changed at that point (language, client, hours...)."
    )
    repurposed_changes: list[str] | None = strawberry.field(
        default=None, description="The changes in words, e.g. 'language en -> zh'."
    )
    repurposed_run: str | None = strawberry.field(
        default=None, description="The repurposed detection run that found it."
    )


@strawberry.type(description="A page (e.g. a Facebook page).")
class Page(Entity):
    platform: str | None = None
    platform_id: str | None = None
    name: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    followers: int | None = None


@strawberry.type(description="A group.")
class Group(Entity):
    platform: str | None = None
    platform_id: str | None = None
    name: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    member_count: int | None = strawberry.field(default=None, description="Stored member count.")


@strawberry.type(description="One account's use of an IP address.")
class IpUse:
    account: Account
    access: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    count: int | None


@strawberry.type(description="The accounts behind an IP: how many, and one page of them.")
class IpAccounts:
    total: int
    uses: list[IpUse]


@strawberry.type(description="An IP address (IPv4 or IPv6, normalised).")
class IP(Entity):
    version: int | None = None

    @strawberry.field(description="The normalised address (the key).")
    def address(self) -> str:
        return self.key

    @strawberry.field(description="The accounts that used this address, earliest first.")
    async def accounts(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> IpAccounts:
        n = page_size(first)
        total, rows = await info.context.loaders.ip_accounts.load((self.key, n))
        return IpAccounts(
            total=total,
            uses=[
                IpUse(
                    account=Account.from_props(r["props"]),
                    access=r["access"],
                    first_seen=r["first_seen"],
                    last_seen=r["last_seen"],
                    count=r["count"],
                )
                for r in rows
            ],
        )


@strawberry.type(description="A /24 (IPv4) or /48 (IPv6) subnet.")
class Subnet(Entity):
    pass


@strawberry.type(description="A shared URL.")
class Url(Entity):
    @strawberry.field
    def url(self) -> str:
        return self.key


@strawberry.type(description="A web domain (lower case, without www.).")
class Domain(Entity):
    pass


@strawberry.type(description="A hashtag (lower case, without '#').")
class Hashtag(Entity):
    @strawberry.field
    def tag(self) -> str:
        return self.key


@strawberry.type(description="A post, tweet or message.")
class Post(Entity):
    platform: str | None = None
    created_at: datetime | None = None


@strawberry.type(description="A media file, named by its hash.")
class Media(Entity):
    pass


@strawberry.type(description="A disclosed information operation (e.g. china_082019_1).")
class Campaign(Entity):
    name: str | None = None
    description: str | None = None


# --- investigators' records -----------------------------------------------------------------


@strawberry.type(description="An investigator's note about an entity.")
class Note(Node):
    kind: str | None = None
    text: str | None = None
    author: str | None = None
    created_at: datetime | None = None


@strawberry.type(description="An entity in a case, why it is there and who put it there.")
class CaseEntity:
    entity: Entity
    reason: str | None
    added_by: str | None
    added_at: datetime | None
    removed_at: datetime | None
    removed_by: str | None
    removed_reason: str | None


@strawberry.type(description="An investigation case: a named set of entities with reasons.")
class Case(Annotatable):
    title: str | None = None
    description: str | None = None
    status: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    resolution: str | None = None

    @strawberry.field(description="The entities in the case, in the order they were added.")
    async def entities(self, info: Info, include_removed: bool = False) -> list[CaseEntity]:
        rows = await info.context.loaders.case_entities.load((self.key, include_removed))
        out = []
        for r in rows:
            entity = build_entity(r["labels"], r["props"])
            if entity is None:
                continue
            link = r["link"]
            out.append(
                CaseEntity(
                    entity=entity,
                    reason=link.get("reason"),
                    added_by=link.get("added_by"),
                    added_at=link.get("added_at"),
                    removed_at=link.get("removed_at"),
                    removed_by=link.get("removed_by"),
                    removed_reason=link.get("removed_reason"),
                )
            )
        return out


@strawberry.type(description="A detection run: its kind, parameters, status and counts.")
class DetectionRun(Node):
    kind: str | None = None
    algorithm: str | None = None
    status: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    requested_by: str | None = None
    error: str | None = None


# --- networks and evidence ------------------------------------------------------------------


@strawberry.type(description="How strongly one signal holds a network together (0 to 1).")
class SignalStrength:
    signal: str
    strength: float


@strawberry.type(description="A member of a network, with its membership score and evidence.")
class NetworkMember:
    entity: Entity
    score: float | None
    evidence: list[str]


@strawberry.type(description="An entity's membership of a network.")
class NetworkMembership:
    network: Network
    score: float | None
    evidence: list[str]


@strawberry.type(description="An IP used by several accounts of a network.")
class NetworkIp:
    ip: IP
    account_rows: strawberry.Private[list[Row]]  # the accounts' properties, from the same query
    users: int = strawberry.field(description="Every account behind it, in or out of the network.")
    access: list[str]
    first_seen: datetime | None
    last_seen: datetime | None

    @strawberry.field(description="The network's accounts behind it.")
    def accounts(self) -> list[Account]:
        return [Account.from_props(p) for p in self.account_rows]


@strawberry.type(description="A detection edge between two entities: the evidence for a tie.")
class Evidence:
    signal: str
    weight: float | None
    source_ref: strawberry.Private[Ref]
    target_ref: strawberry.Private[Ref]
    properties: JSON
    # The ends' properties, from the same query (None: fetch them by ref).
    source_props: strawberry.Private[Row | None] = None
    target_props: strawberry.Private[Row | None] = None

    @strawberry.field
    async def source(self, info: Info) -> Entity | None:
        if self.source_props is not None:
            return build_entity(self.source_ref.label, self.source_props)
        return await load_entity(info, self.source_ref)

    @strawberry.field
    async def target(self, info: Info) -> Entity | None:
        if self.target_props is not None:
            return build_entity(self.target_ref.label, self.target_props)
        return await load_entity(info, self.target_ref)


@strawberry.enum(description="The kinds of network members.")
class MemberKind(Enum):
    ACCOUNT = "Account"
    PAGE = "Page"
    GROUP = "Group"


@strawberry.type(description="A detected network: a scored, explained cluster of entities.")
class Network(Annotatable):
    run: str | None = None
    rank: int | None = None
    score: float | None = None
    size: int | None = strawberry.field(default=None, description="Its number of accounts.")
    page_count: int | None = None
    group_count: int | None = None
    explanation: str | None = None
    signal_strengths: list[SignalStrength] = strawberry.field(default_factory=list)

    @strawberry.field(description="Members (accounts, pages, groups), strongest first.")
    async def members(
        self,
        info: Info,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        kinds: list[MemberKind] | None = None,
    ) -> Connection[NetworkMember]:
        page = member_page(info, first, after, kinds)
        total, rows = await info.context.loaders.network_members.load((self.key, page))
        return connection(_members(rows), skip=page[1], total=total)

    @strawberry.field(description="The pages tied to the network.")
    async def pages(self, info: Info) -> list[NetworkMember]:
        return await self._kind(info, "Page")

    @strawberry.field(description="The groups tied to the network.")
    async def groups(self, info: Info) -> list[NetworkMember]:
        return await self._kind(info, "Group")

    async def _kind(self, info: Info, label: str) -> list[NetworkMember]:
        props = NODE_PROPS.props_for(selected(info, ("entity",)))
        page = ((label,), 0, MAX_PAGE_SIZE, None if props is None else tuple(props))
        _, rows = await info.context.loaders.network_members.load((self.key, page))
        return _members(rows)

    @strawberry.field(description="IPs used by at least `minMembers` of its accounts.")
    async def ips(
        self, info: Info, min_members: int = 2, first: int | None = DEFAULT_PAGE_SIZE
    ) -> list[NetworkIp]:
        if not 1 <= min_members <= 1000:
            raise BadInput("minMembers must be between 1 and 1000")
        rows = await info.context.loaders.network_ips.load(
            (self.key, (min_members, page_size(first)))
        )
        return [
            NetworkIp(
                ip=IP.from_props(r["props"]),
                account_rows=r["accounts"],
                users=r["users"],
                access=sorted(a for a in r["access"] if a),
                first_seen=r["first_seen"],
                last_seen=r["last_seen"],
            )
            for r in rows
        ]

    @strawberry.field(description="The strongest detection edges between members, per signal.")
    async def evidence(self, info: Info, per_signal: int = 5) -> list[Evidence]:
        if not 1 <= per_signal <= MAX_PAGE_SIZE:
            raise BadInput(f"perSignal must be between 1 and {MAX_PAGE_SIZE}")
        groups = await info.context.loaders.network_evidence.load((self.key, per_signal))
        return [
            Evidence(
                signal=g["signal"],
                weight=e["weight"],
                source_ref=Ref(e["a_label"], e["a"]),
                target_ref=Ref(e["b_label"], e["b"]),
                properties=jsonable(e["props"]),
                source_props=e["a_props"],
                target_props=e["b_props"],
            )
            for g in groups
            for e in g["edges"]
        ]


# --- shapes for traversals --------------------------------------------------------------------


@strawberry.type(description="A relationship of a drawn subgraph, between two global ids.")
class GraphEdge:
    id: str
    type: str
    source: strawberry.ID
    target: strawberry.ID
    properties: JSON


@strawberry.type(description="A subgraph a UI can draw as it is.")
class Subgraph:
    nodes: list[Node]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="More nodes were reachable than the limit.")
    edges_truncated: bool


@strawberry.type(description="One path: its nodes in order and the relationships between them.")
class GraphPath:
    nodes: list[Node]
    edges: list[GraphEdge]


@strawberry.type(description="An IP an account used, and the other accounts behind it.")
class SharedIp:
    ip: IP
    access: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    count: int | None
    accounts: int = strawberry.field(description="Every account behind the IP, this one included.")
    other_refs: strawberry.Private[list[Ref]]

    @strawberry.field(description="The other accounts behind the IP (at most maxOthers).")
    async def others(self, info: Info) -> list[Account]:
        found = await info.context.loaders.nodes.load_many(self.other_refs)
        return [Account.from_props(p) for p in found if p is not None]


@strawberry.type(description="Two shares of one object, close in time: coordination evidence.")
class SharePair:
    object_key: str
    a_content_id: str
    a_at: datetime
    b_content_id: str
    b_at: datetime
    delta: float = strawberry.field(description="Seconds between the two shares.")


@strawberry.type(
    description="Two posts behind one edge of a text or interaction signal: copies, near-copies, "
    "replies to one post or mentions of one account by two accounts, close in time."
)
class PostPair:
    a_post: str = strawberry.field(description="The first account's post (its key or id).")
    a_at: datetime
    a_text: str | None
    b_post: str = strawberry.field(description="The second account's post (its key or id).")
    b_at: datetime
    b_text: str | None
    object_key: str | None = strawberry.field(
        description="What both replied to or mentioned (none for text signals)."
    )
    delta: float = strawberry.field(description="Seconds between the two posts.")
    similarity: float | None = strawberry.field(
        description="Jaccard similarity of the texts' shingles (1 for copies; none for replies "
        "and mentions)."
    )


@strawberry.type(description="Counts of creations and share events in one time bucket.")
class TimelineBucket:
    start: datetime
    creations: int
    shares: int


@strawberry.type(description="A fulltext search hit.")
class SearchHit:
    score: float
    node: Entity


@strawberry.type(description="The holder of the API key used.")
class Viewer:
    name: str
    role: str


# --- connections ------------------------------------------------------------------------------

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(name="Edge")  # GraphQL names it per node type: NetworkEdge, CaseEdge, ...
class ConnectionEdge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results (first: default 20, at most 100).")
class Connection(Generic[T]):
    edges: list[ConnectionEdge[T]]
    page_info: PageInfo
    total_count: int


def connection(items: list[T], *, skip: int, total: int) -> Connection[T]:
    edges = [ConnectionEdge(cursor=encode_cursor(skip + i), node=x) for i, x in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=skip + len(items) < total,
            has_previous_page=skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


# --- building objects from stored properties --------------------------------------------------

#: The GraphQL type of every label the API exposes (a test checks it covers EXPOSED_LABELS).
TYPES: dict[NodeLabel, type[Node]] = {
    NodeLabel.ACCOUNT: Account,
    NodeLabel.PAGE: Page,
    NodeLabel.GROUP: Group,
    NodeLabel.IP: IP,
    NodeLabel.SUBNET: Subnet,
    NodeLabel.URL: Url,
    NodeLabel.DOMAIN: Domain,
    NodeLabel.HASHTAG: Hashtag,
    NodeLabel.POST: Post,
    NodeLabel.MEDIA: Media,
    NodeLabel.CAMPAIGN: Campaign,
    NodeLabel.NETWORK: Network,
    NodeLabel.CASE: Case,
    NodeLabel.NOTE: Note,
    NodeLabel.DETECTION_RUN: DetectionRun,
}
ENTITY_TYPES: dict[str, type[Entity]] = {
    label.value: cls for label, cls in TYPES.items() if issubclass(cls, Entity)
}
NODE_TYPES: dict[str, type[Node]] = {label.value: cls for label, cls in TYPES.items()}
_LABEL_OF: dict[type, str] = {cls: label.value for label, cls in TYPES.items()}
# Stored property names that differ from the field's.
_ALIASES = {
    Group: {"member_count": "members"},
    Network: {"page_count": "pages", "group_count": "groups"},
}


#: The stored properties a selection of node fields needs (fields of any exposed type).
NODE_PROPS = StoredProps(
    TYPES.values(), _ALIASES, {"signal_strengths": ["signals", "signal_strengths"]}
)


def label_of(obj: object) -> str:
    return _LABEL_OF[type(obj)]


def ref_of(obj: Node) -> Ref:
    return Ref(label_of(obj), obj.key)


def _as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def _as_str(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else str(value)


def _same(value: Any) -> Any:
    return value


def _signal_strengths(props: Row) -> list[SignalStrength]:
    signals, strengths = props.get("signals") or [], props.get("signal_strengths") or []
    return [SignalStrength(signal=s, strength=v) for s, v in zip(signals, strengths, strict=False)]


_PLANS: dict[type, Callable[[Row], dict[str, Any]]] = {}


def _annotation(cls: type, name: str) -> str:
    """The field's annotation as written (a field declared with strawberry.field has a
    StrawberryOptional or similar as its dataclass type, whose text says nothing useful)."""
    for klass in cls.__mro__:
        annotations = inspect.get_annotations(klass)
        if name in annotations:
            return str(annotations[name])
    return ""


def _plan(cls: type[Node]) -> Callable[[Row], dict[str, Any]]:
    """How to turn stored properties into `cls`'s constructor arguments (worked out once)."""
    known = _PLANS.get(cls)
    if known is not None:
        return known
    aliases = _ALIASES.get(cls, {})
    steps: list[tuple[str, str, Callable[[Any], Any]]] = []
    for f in dataclasses.fields(cls):
        if not f.init or f.name in ("key", "properties", "signal_strengths"):
            continue
        text = _annotation(cls, f.name)  # "int | None", "str | None", "datetime | None", ...
        if text.startswith("list["):  # a stored list (of strings) is given as it is
            convert = _same
        else:
            convert = _as_int if "int" in text else _as_str if "str" in text else _same
        steps.append((f.name, aliases.get(f.name, f.name), convert))
    strengths = any(f.name == "signal_strengths" for f in dataclasses.fields(cls))

    def plan(props: Row) -> dict[str, Any]:
        kwargs = {name: convert(props.get(prop)) for name, prop, convert in steps}
        kwargs["key"] = props["key"]
        kwargs["properties"] = jsonable(props)
        if strengths:
            kwargs["signal_strengths"] = _signal_strengths(props)
        return kwargs

    _PLANS[cls] = plan
    return plan


def build_node(label: str, props: Row) -> Node:
    """An object of the GraphQL type for an exposed `label`, from a node's stored properties."""
    return NODE_TYPES[label].from_props(props)


def entity_label(labels: list[str]) -> str | None:
    """The API label of a node with these labels (None for a node the API does not expose)."""
    return next((lab for lab in labels if lab in NODE_TYPES), None)


def build_entity(labels: str | list[str], props: Row) -> Entity | None:
    """The entity for a node with this label (or these labels); None for a non-entity."""
    names = [labels] if isinstance(labels, str) else labels
    cls = next((ENTITY_TYPES[lab] for lab in names if lab in ENTITY_TYPES), None)
    return None if cls is None else cls.from_props(props)


def member_page(
    info: Info,
    first: int | None,
    after: str | None,
    kinds: list[MemberKind] | None,
    *,
    entity: Sequence[str] = ("edges", "node", "entity"),
) -> MemberPage:
    """The page of members a `members` field asks for, with the member properties it selects
    (`entity` is the path from `info`'s field to the members' entity)."""
    n, skip = page_size(first), decode_cursor(after)
    labels = tuple(sorted(k.value for k in kinds or []))
    props = NODE_PROPS.props_for(selected(info, entity))
    return labels, skip, n, None if props is None else tuple(props)


async def network_with_members(info: Info, key: str) -> Row | None:
    """A network's properties; when the request selects one page of its members, fetched with
    that page in one statement (which the `members` field then finds in its loader)."""
    loaders = info.context.loaders
    selections = field_arguments(info, "members", "Network")
    if len(selections) != 1:
        return await loaders.nodes.load(Ref("Network", key))
    args = selections[0]
    try:
        page = member_page(
            info,
            args.get("first", DEFAULT_PAGE_SIZE),
            args.get("after"),
            [MemberKind(k) for k in args.get("kinds") or []],
            entity=("members", "edges", "node", "entity"),
        )
    except (BadInput, ValueError):  # the members field itself reports it
        return await loaders.nodes.load(Ref("Network", key))
    return await loaders.network_with_members(key, page)


def _members(rows: list[Row]) -> list[NetworkMember]:
    out = []
    for r in rows:
        entity = build_entity(r["label"], r["props"])
        if entity is not None:
            out.append(NetworkMember(entity=entity, score=r["score"], evidence=r["evidence"] or []))
    return out


async def load_entity(info: Info, ref: Ref) -> Entity | None:
    props = await info.context.loaders.nodes.load(ref)
    return None if props is None else build_entity(ref.label, props)


ENTITY_LABEL_NAMES = frozenset(label.value for label in ENTITY_LABELS)
EXPOSED_LABEL_NAMES = frozenset(label.value for label in EXPOSED_LABELS)
MEMBER_LABEL_NAMES = frozenset(label.value for label in MEMBER_LABELS)
