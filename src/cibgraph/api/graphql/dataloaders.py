"""Per-request DataLoaders: every nested field of a response is fetched in one query per kind.

Loaders keyed by arguments (a page of a network's members, say) group their keys by those
arguments, so a request sends one query per distinct argument set, never one per object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from cibgraph.api.graphql.db import Db, Row
from cibgraph.api.graphql.ids import Ref
from cibgraph.detection.registry import detection_types

# The relationship types every detection writes (api/network_evidence reads them all).
_DETECTION_TYPES = [t.value for t in detection_types()]

#: A page of a network's members: labels (() for any), skip, limit, and the member properties
#: to read (None: all of them).
MemberPage = tuple[tuple[str, ...], int, int, tuple[str, ...] | None]


def member_params(keys: list[str], page: MemberPage, *, with_network: bool = False) -> Row:
    """The parameters of `api/network_members` for these networks and this page."""
    labels, skip, limit, props = page
    return {
        "networks": keys,
        "labels": list(labels),
        "skip": skip,
        "limit": limit,
        "props": None if props is None else list(props),
        "with_network": with_network,
    }


K = TypeVar("K", bound=Hashable)
A = TypeVar("A", bound=Hashable)


def _grouped(
    split: Callable[[Any], tuple[Any, Any]],
    fetch: Callable[[Any, list[Any]], Awaitable[dict[Any, Any]]],
    default: Callable[[], Any],
) -> Callable[[Sequence[Any]], Awaitable[list[Any]]]:
    """A batch function for keys (item, args): one fetch per distinct args."""

    async def batch(keys: Sequence[Any]) -> list[Any]:
        by_args: dict[Any, list[Any]] = defaultdict(list)
        for k in keys:
            item, args = split(k)
            by_args[args].append(item)
        found: dict[Any, Any] = {}
        for args, items in by_args.items():
            got = await fetch(args, list(dict.fromkeys(items)))
            found.update({(item, args): value for item, value in got.items()})
        return [found.get(split(k), default()) for k in keys]

    return batch


class Loaders:
    """Fresh for every request: a cache shared across requests could leak one caller's view."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.nodes: DataLoader[Ref, Row | None] = DataLoader(self._nodes)
        # (entity, fusion run or None for the latest) -> memberships
        self.networks_of: DataLoader[tuple[Ref, str | None], list[Row]] = DataLoader(
            _grouped(lambda k: k, self._networks_of, list)
        )
        self.campaigns_of: DataLoader[Ref, list[Row]] = DataLoader(
            self._per_ref("api/entity_campaigns")
        )
        self.annotations_of: DataLoader[Ref, list[Row]] = DataLoader(
            self._per_ref("api/entity_annotations")
        )
        # (network key, (labels, skip, limit, props)) -> (total, members)
        self.network_members: DataLoader[tuple[str, MemberPage], tuple[int, list[Row]]] = (
            DataLoader(_grouped(lambda k: k, self._network_members, lambda: (0, [])))
        )
        # (network key, (min_members, limit)) -> ips
        self.network_ips: DataLoader[tuple[str, tuple[int, int]], list[Row]] = DataLoader(
            _grouped(lambda k: k, self._network_ips, list)
        )
        # (network key, per_signal) -> [{signal, edges}]
        self.network_evidence: DataLoader[tuple[str, int], list[Row]] = DataLoader(
            _grouped(lambda k: k, self._network_evidence, list)
        )
        # (ip key, limit) -> (total, accounts)
        self.ip_accounts: DataLoader[tuple[str, int], tuple[int, list[Row]]] = DataLoader(
            _grouped(lambda k: k, self._ip_accounts, lambda: (0, []))
        )
        # (case key, include_removed) -> rows
        self.case_entities: DataLoader[tuple[str, bool], list[Row]] = DataLoader(
            _grouped(lambda k: k, self._case_entities, list)
        )

    async def _nodes(self, refs: Sequence[Ref]) -> list[Row | None]:
        rows = await self.db.read("api/nodes_by_ref", {"refs": [r.param() for r in set(refs)]})
        found = {Ref(r["label"], r["key"]): r["props"] for r in rows}
        return [found.get(r) for r in refs]

    def _per_ref(self, query: str) -> Callable[[Sequence[Ref]], Awaitable[list[list[Row]]]]:
        async def batch(refs: Sequence[Ref]) -> list[list[Row]]:
            rows = await self.db.read(query, {"refs": [r.param() for r in set(refs)]})
            found: dict[Ref, list[Row]] = defaultdict(list)
            for r in rows:
                found[Ref(r["label"], r["key"])].append(r)
            return [found.get(r, []) for r in refs]

        return batch

    async def _networks_of(self, run: str | None, refs: list[Ref]) -> dict[Ref, list[Row]]:
        rows = await self.db.read(
            "api/entity_networks", {"refs": [r.param() for r in refs], "run": run}
        )
        found: dict[Ref, list[Row]] = defaultdict(list)
        for r in rows:
            found[Ref(r["label"], r["key"])].append(r)
        return dict(found)

    async def _network_members(
        self, args: MemberPage, keys: list[str]
    ) -> dict[str, tuple[int, list[Row]]]:
        rows = await self.db.read("api/network_members", member_params(keys, args))
        return {r["network"]: (r["total"], r["members"]) for r in rows}

    async def network_with_members(self, key: str, page: MemberPage) -> Row | None:
        """A network's properties and a page of its members in one statement; the answer is
        kept in the loaders (`nodes`, `network_members`) that the members' fields then read."""
        rows = await self.db.read(
            "api/network_members", member_params([key], page, with_network=True)
        )
        if not rows:
            return None
        row = rows[0]
        self.nodes.prime(Ref("Network", key), row["props"])
        self.network_members.prime((key, page), (row["total"], row["members"]))
        props: Row = row["props"]
        return props

    async def _network_ips(self, args: tuple[int, int], keys: list[str]) -> dict[str, list[Row]]:
        min_members, limit = args
        rows = await self.db.read(
            "api/network_ips", {"networks": keys, "min_members": min_members, "limit": limit}
        )
        return {r["network"]: r["ips"] for r in rows}

    async def _network_evidence(self, per_signal: int, keys: list[str]) -> dict[str, list[Row]]:
        rows = await self.db.read(
            "api/network_evidence",
            {"networks": keys, "types": _DETECTION_TYPES, "per_signal": per_signal},
        )
        return {r["network"]: r["signals"] for r in rows}

    async def _ip_accounts(self, limit: int, keys: list[str]) -> dict[str, tuple[int, list[Row]]]:
        rows = await self.db.read("api/ip_accounts", {"ips": keys, "limit": limit})
        return {r["ip"]: (r["total"], r["accounts"]) for r in rows}

    async def _case_entities(self, include_removed: bool, keys: list[str]) -> dict[str, list[Row]]:
        rows = await self.db.read(
            "api/case_entities", {"cases": keys, "include_removed": include_removed}
        )
        found: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            found[r["case"]].append(r)
        return dict(found)
