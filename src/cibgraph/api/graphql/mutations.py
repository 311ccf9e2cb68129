"""The write side of the API (analyst and admin keys only): notes, tags, cases, detection runs."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry

from cibgraph.api.exports import export_path
from cibgraph.api.graphql.detections import DetectionParams, KindArg
from cibgraph.api.graphql.errors import BadInput, NotFound
from cibgraph.api.graphql.ids import Ref, decode_id
from cibgraph.api.graphql.permissions import WRITERS
from cibgraph.api.graphql.types import (
    ENTITY_LABEL_NAMES,
    Case,
    DetectionRun,
    Info,
    Note,
    Tag,
)
from cibgraph.export import TLP, ExportFormat
from cibgraph.export.service import ExportTarget

logger = logging.getLogger(__name__)

MAX_NOTE = 10_000
MAX_TAG = 64
MAX_TITLE = 200
MAX_CASE_BATCH = 100
ANNOTATABLE = frozenset({*ENTITY_LABEL_NAMES, "Network", "Case"})


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


IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


# Registers the export enums themselves as GraphQL enums, so resolvers take their values.
strawberry.enum(ExportFormat, name="ExportFormat")
strawberry.enum(TLP, name="Tlp")


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=WRITERS, description="Add a note to an entity, network or case."
    )
    async def add_note(self, info: Info, entity: IdArg, text: str) -> Note:
        ref = decode_id(entity, expect=ANNOTATABLE)
        rows = await info.context.db.write(
            "api/note_add",
            {
                "label": ref.label,
                "key": ref.key,
                "note": f"note-{uuid.uuid4().hex}",
                "kind": "note",
                "text": _text("text", text, MAX_NOTE),
                "author": info.context.author,
                "at": _now(),
            },
        )
        if not rows:
            raise NotFound(f"no {ref.label} has this id")
        return Note.from_props(rows[0]["props"])

    @strawberry.mutation(
        permission_classes=WRITERS,
        description="Tag an entity, network or case (tagging twice keeps one).",
    )
    async def add_tag(self, info: Info, entity: IdArg, tag: str) -> Tag:
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
                "author": info.context.author,
                "at": _now(),
            },
        )
        if not rows:
            raise NotFound(f"no {ref.label} has this id")
        p = rows[0]["props"]
        return Tag(name=p["text"], author=p.get("author"), created_at=p.get("created_at"))

    @strawberry.mutation(
        permission_classes=WRITERS,
        description="Remove a tag; false when the entity did not carry it.",
    )
    async def remove_tag(self, info: Info, entity: IdArg, tag: str) -> bool:
        ref = decode_id(entity, expect=ANNOTATABLE)
        name = _text("tag", tag, MAX_TAG).lower()
        rows = await info.context.db.write("api/tag_remove", {"note": _tag_key(ref, name)})
        return bool(rows and rows[0]["found"])

    @strawberry.mutation(permission_classes=WRITERS, description="Open a new case.")
    async def create_case(self, info: Info, title: str, description: str = "") -> Case:
        rows = await info.context.db.write(
            "api/case_create",
            {
                "key": f"case-{uuid.uuid4().hex[:12]}",
                "title": _text("title", title, MAX_TITLE),
                "description": _text("description", description, MAX_NOTE, allow_empty=True),
                "author": info.context.author,
                "at": _now(),
            },
        )
        return Case.from_props(rows[0]["props"])

    @strawberry.mutation(
        permission_classes=WRITERS, description="Add entities to an open case, with the reason."
    )
    async def add_to_case(
        self, info: Info, case: IdArg, entities: list[strawberry.ID], reason: str
    ) -> Case:
        ref = await _open_case(info, case)
        refs = await _entities(info, entities)
        await info.context.db.write(
            "api/case_add",
            {
                "case": ref.key,
                "refs": [r.param() for r in refs],
                "reason": _text("reason", reason, MAX_NOTE),
                "author": info.context.author,
                "at": _now(),
            },
        )
        return await _reload_case(info, ref)

    @strawberry.mutation(
        permission_classes=WRITERS,
        description="Remove entities from an open case, with the reason.",
    )
    async def remove_from_case(
        self, info: Info, case: IdArg, entities: list[strawberry.ID], reason: str
    ) -> Case:
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
                "author": info.context.author,
                "at": _now(),
            },
        )
        return await _reload_case(info, ref)

    @strawberry.mutation(
        permission_classes=WRITERS, description="Close an open case with a resolution."
    )
    async def close_case(self, info: Info, case: IdArg, resolution: str) -> Case:
        ref = await _open_case(info, case)
        rows = await info.context.db.write(
            "api/case_close",
            {
                "case": ref.key,
                "resolution": _text("resolution", resolution, MAX_NOTE),
                "author": info.context.author,
                "at": _now(),
            },
        )
        if not rows:
            raise BadInput("this case is closed")
        return Case.from_props(rows[0]["props"])

    @strawberry.mutation(
        permission_classes=WRITERS,
        description="Run a detection now (it is written with its parameters as a DetectionRun) "
        "and return the run.",
    )
    async def start_detection(
        self, info: Info, kind: KindArg, params: DetectionParams | None = None
    ) -> DetectionRun:
        runner = info.context.runner
        if runner is None:
            raise BadInput("detections cannot be started on this server")
        run_id = await runner.run(kind, params or DetectionParams())
        rows = await info.context.db.write(
            "api/run_request", {"run": run_id, "author": info.context.author, "at": _now()}
        )
        if not rows:
            raise NotFound("the run was not recorded")
        return DetectionRun.from_props(rows[0]["props"])

    @strawberry.mutation(
        permission_classes=WRITERS,
        description="The URL (path and query) of an export of a network, a case, or the "
        "neighbourhood of any other node; GET it with the same API key to stream the file.",
    )
    async def export_url(
        self,
        info: Info,
        id: IdArg,
        format: ExportFormat = ExportFormat.JSON,
        tlp: TLP = TLP.AMBER,
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
    return Case.from_props(await _existing(info, ref))
