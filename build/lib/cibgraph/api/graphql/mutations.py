"""The write side of the API (analyst and admin keys only): notes, tags, cases, detection runs."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from neo4j import Driver

from cibgraph.api.exports import ExportTarget, export_path
from cibgraph.api.graphql.errors import BadInput, NotFound
from cibgraph.api.graphql.ids import Ref, decode_id
from cibgraph.api.graphql.types import (
    ENTITY_LABELS,
    Case,
    DetectionRun,
    Info,
    Note,
    Tag,
    build,
    build_note,
)
from cibgraph.export import TLP, ExportFormat

logger = logging.getLogger(__name__)

MAX_NOTE = 10_000
MAX_TAG = 64
MAX_TITLE = 200
MAX_CASE_BATCH = 100
ANNOTATABLE = {*ENTITY_LABELS, "Network", "Case"}


def _now() -> datetime:
    return datetime.now(UTC)


def _text(name: str, value: str, limit: int, *, allow_empty: bool = False) -> str:
    value = value.strip()
    if not value and not allow_empty:
        raise BadInput(f"{name} must not be empty")
    if len(value) > limit:
        raise BadInput(f"{name} must be at most {limit} characters")
    return value


async def _existing(info: Info, ref: Ref) -> dict[str, Any]:
    props = await info.context.loaders.nodes.load(ref)
    if props is None:
        raise NotFound(f"no {ref.label} has this id")
    return props


async def _open_case(info: Info, case_id: str) -> Ref:
    ref = decode_id(case_id, expect={"Case"})
    props = await _existing(info, ref)
    if props.get("status") != "open":
        raise BadInput("this case is closed")
    return ref


async def _entities(info: Info, ids: list[strawberry.ID]) -> list[Ref]:
    if not 1 <= len(ids) <= MAX_CASE_BATCH:
        raise BadInput(f"entities must name 1 to {MAX_CASE_BATCH} ids")
    refs = list(dict.fromkeys(decode_id(i, expect=ANNOTATABLE - {"Case"}) for i in ids))
    found = await info.context.loaders.nodes.load_many(refs)
    missing = [r for r, p in zip(refs, found, strict=True) if p is None]
    if missing:
        raise NotFound(f"{len(missing)} of the ids name no node (first: {missing[0].label})")
    return refs


@strawberry.enum(description="The detections the API can start.")
class DetectionKind(Enum):
    COORDINATION = "coordination"
    INFRASTRUCTURE = "infrastructure"
    CONTROL = "control"
    COHORTS = "cohorts"
    NETWORKS = "networks"


@strawberry.input(description="Detection parameters; each applies to the kinds it names.")
class DetectionParams:
    time_window: int | None = strawberry.field(
        default=None, description="coordination: seconds between two shares (inclusive)."
    )
    min_participation: int | None = strawberry.field(
        default=None, description="coordination: share events an account needs."
    )
    edge_weight: float | None = strawberry.field(
        default=None, description="coordination: quantile of weights to flag above (0-1)."
    )
    max_accounts: int | None = strawberry.field(
        default=None,
        description="infrastructure: addresses used by this many accounts or more are ignored.",
    )


def run_detection(driver: Driver, kind: DetectionKind, p: DetectionParams, database: str) -> str:
    """Run one detection to the end (blocking) and return its DetectionRun key."""
    if kind is DetectionKind.COORDINATION:
        from cibgraph.detection.coordination import detect_coordination, write_coordination

        if p.time_window is None or p.min_participation is None:
            raise BadInput("coordination needs timeWindow and minParticipation")
        result = detect_coordination(
            driver,
            time_window=p.time_window,
            min_participation=p.min_participation,
            edge_weight=0.5 if p.edge_weight is None else p.edge_weight,
            database=database,
        )
        return write_coordination(driver, result, database=database).run_id
    if kind is DetectionKind.INFRASTRUCTURE:
        from cibgraph.detection.infrastructure import (
            InfraParams,
            detect_infrastructure,
            write_infrastructure,
        )

        ip = InfraParams() if p.max_accounts is None else InfraParams(max_accounts=p.max_accounts)
        found = detect_infrastructure(driver, ip, database=database)
        return write_infrastructure(driver, found, database=database)
    if kind is DetectionKind.CONTROL:
        from cibgraph.detection.control import detect_control, write_control

        return write_control(driver, detect_control(driver, database=database), database=database)
    if kind is DetectionKind.COHORTS:
        from cibgraph.detection.cohorts import detect_cohorts, write_cohorts

        return write_cohorts(driver, detect_cohorts(driver, database=database), database=database)
    from cibgraph.detection.fusion import detect_networks

    return detect_networks(driver, database=database).run_id


class DetectionRunner:
    """Runs detections in a worker thread, one at a time, with the process's sync driver."""

    def __init__(self, driver: Callable[[], Driver], *, database: str) -> None:
        self._driver = driver
        self._database = database
        self._lock = asyncio.Lock()

    async def run(self, kind: DetectionKind, params: DetectionParams) -> str:
        async with self._lock:
            try:
                return await asyncio.to_thread(
                    run_detection, self._driver(), kind, params, self._database
                )
            except ValueError as exc:  # the detections check their parameters this way
                raise BadInput(f"invalid parameters: {exc}") from None


IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


ExportFormatEnum = strawberry.enum(ExportFormat, name="ExportFormat")
TlpEnum = strawberry.enum(TLP, name="Tlp")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a note to an entity, network or case.")
    async def add_note(self, info: Info, entity: IdArg, text: str) -> Note:
        author = info.context.require_write()
        ref = decode_id(entity, expect=ANNOTATABLE)
        rows = await info.context.db.write(
            "api/note_add",
            {
                "label": ref.label,
                "key": ref.key,
                "note": f"note-{uuid.uuid4().hex}",
                "kind": "note",
                "text": _text("text", text, MAX_NOTE),
                "author": author.name,
                "at": _now(),
            },
        )
        if not rows:
            raise NotFound(f"no {ref.label} has this id")
        return build_note(rows[0]["props"])

    @strawberry.mutation(description="Tag an entity, network or case (tagging twice keeps one).")
    async def add_tag(self, info: Info, entity: IdArg, tag: str) -> Tag:
        author = info.context.require_write()
        ref = decode_id(entity, expect=ANNOTATABLE)
        name = _text("tag", tag, MAX_TAG).lower()
        rows = await info.context.db.write(
            "api/note_add",
            {
                "label": ref.label,
                "key": ref.key,
                "note": _tag_key(ref, name),
                "kind": "tag",
                "text": name,
                "author": author.name,
                "at": _now(),
            },
        )
        if not rows:
            raise NotFound(f"no {ref.label} has this id")
        p = rows[0]["props"]
        return Tag(name=p["text"], author=p.get("author"), created_at=p.get("created_at"))

    @strawberry.mutation(description="Remove a tag; false when the entity did not carry it.")
    async def remove_tag(self, info: Info, entity: IdArg, tag: str) -> bool:
        info.context.require_write()
        ref = decode_id(entity, expect=ANNOTATABLE)
        name = _text("tag", tag, MAX_TAG).lower()
        rows = await info.context.db.write("api/tag_remove", {"note": _tag_key(ref, name)})
        return bool(rows and rows[0]["found"])

    @strawberry.mutation(description="Open a new case.")
    async def create_case(self, info: Info, title: str, description: str = "") -> Case:
        author = info.context.require_write()
        rows = await info.context.db.write(
            "api/case_create",
            {
                "key": f"case-{uuid.uuid4().hex[:12]}",
                "title": _text("title", title, MAX_TITLE),
                "description": _text("description", description, MAX_NOTE, allow_empty=True),
                "author": author.name,
                "at": _now(),
            },
        )
        return build("Case", rows[0]["props"])  # type: ignore[return-value]

    @strawberry.mutation(description="Add entities to an open case, with the reason.")
    async def add_to_case(
        self, info: Info, case: IdArg, entities: list[strawberry.ID], reason: str
    ) -> Case:
        author = info.context.require_write()
        ref = await _open_case(info, case)
        refs = await _entities(info, entities)
        await info.context.db.write(
            "api/case_add",
            {
                "case": ref.key,
                "refs": [r.param() for r in refs],
                "reason": _text("reason", reason, MAX_NOTE),
                "author": author.name,
                "at": _now(),
            },
        )
        return await _reload_case(info, ref)

    @strawberry.mutation(description="Remove entities from an open case, with the reason.")
    async def remove_from_case(
        self, info: Info, case: IdArg, entities: list[strawberry.ID], reason: str
    ) -> Case:
        author = info.context.require_write()
        ref = await _open_case(info, case)
        if not 1 <= len(entities) <= MAX_CASE_BATCH:
            raise BadInput(f"entities must name 1 to {MAX_CASE_BATCH} ids")
        refs = [decode_id(i, expect=ANNOTATABLE - {"Case"}) for i in entities]
        await info.context.db.write(
            "api/case_remove",
            {
                "case": ref.key,
                "refs": [r.param() for r in refs],
                "reason": _text("reason", reason, MAX_NOTE),
                "author": author.name,
                "at": _now(),
            },
        )
        return await _reload_case(info, ref)

    @strawberry.mutation(description="Close an open case with a resolution.")
    async def close_case(self, info: Info, case: IdArg, resolution: str) -> Case:
        author = info.context.require_write()
        ref = await _open_case(info, case)
        rows = await info.context.db.write(
            "api/case_close",
            {
                "case": ref.key,
                "resolution": _text("resolution", resolution, MAX_NOTE),
                "author": author.name,
                "at": _now(),
            },
        )
        if not rows:
            raise BadInput("this case is closed")
        return build("Case", rows[0]["props"])  # type: ignore[return-value]

    @strawberry.mutation(
        description="Run a detection now (it is written with its parameters as a DetectionRun) "
        "and return the run."
    )
    async def start_detection(
        self, info: Info, kind: DetectionKind, params: DetectionParams | None = None
    ) -> DetectionRun:
        info.context.require_write()
        runner: DetectionRunner | None = info.context.runner
        if runner is None:
            raise BadInput("detections cannot be started on this server")
        run_id = await runner.run(kind, params or DetectionParams())
        props = await info.context.loaders.nodes.load(Ref("DetectionRun", run_id))
        if props is None:
            raise NotFound("the run was not recorded")
        return build("DetectionRun", props)  # type: ignore[return-value]

    @strawberry.mutation(
        description="The URL (path and query) of an export of a network, a case, or the "
        "neighbourhood of any other node; GET it with the same API key to stream the file."
    )
    async def export_url(
        self,
        info: Info,
        id: IdArg,
        format: ExportFormatEnum = ExportFormat.JSON,  # type: ignore[valid-type]
        tlp: TlpEnum = TLP.AMBER,  # type: ignore[valid-type]
        depth: int = 1,
        limit: int = 200,
    ) -> str:
        ref = decode_id(str(id))
        if not 1 <= depth <= 3 or not 1 <= limit <= 2000:
            raise BadInput("depth must be 1 to 3 and limit 1 to 2000")
        if ref.label == "Network":
            return export_path(ExportTarget.NETWORK, ref.key, format, tlp=tlp)
        if ref.label == "Case":
            return export_path(ExportTarget.CASE, ref.key, format, tlp=tlp)
        return export_path(
            ExportTarget.NEIGHBOURHOOD, ref.key, format, tlp=tlp, depth=depth, limit=limit
        )


def _tag_key(ref: Ref, name: str) -> str:
    digest = hashlib.sha256(f"{ref.label}\x00{ref.key}\x00{name}".encode()).hexdigest()[:32]
    return f"tag-{digest}"


async def _reload_case(info: Info, ref: Ref) -> Case:
    info.context.loaders.nodes.clear(ref)
    return build("Case", await _existing(info, ref))  # type: ignore[return-value]
