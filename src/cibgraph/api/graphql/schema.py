"""The assembled GraphQL schema, its limits, and its SDL (exported to schema.graphql)."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.extensions import MaxTokensLimiter

from cibgraph.api.graphql.context import request_id_of
from cibgraph.api.graphql.errors import MaskWithRequestId
from cibgraph.api.graphql.execution import FlatListExecutor
from cibgraph.api.graphql.limits import Limits, QueryLimits
from cibgraph.api.graphql.mutations import Mutation
from cibgraph.api.graphql.parsing import ParsedDocuments
from cibgraph.api.graphql.query import Query
from cibgraph.api.graphql.types import TYPES

MAX_DEPTH = 12  # network > members > edges > node > networks > network > ... is 8 deep
MAX_ALIASES = 30
MAX_TOKENS = 3_000
MAX_COST = 50_000  # fields, each times the page sizes above it (first: 100 of 100 is 10,000)
MAX_HEAVY = 5  # neighbourhoods, paths, evidence, timelines and detections per request
LIMITS = Limits(
    max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES, max_cost=MAX_COST, max_heavy=MAX_HEAVY
)
SDL_PATH = Path("schema.graphql")  # the published SDL, at the root of a checkout

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=list(TYPES.values()),
    execution_context_class=FlatListExecutor,  # long lists of plain objects in one pass
    extensions=[
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ParsedDocuments,  # each query text parsed once per process
        lambda: QueryLimits(LIMITS),
        lambda: MaskWithRequestId(request_id_of),
    ],
)


def sdl() -> str:
    """The schema in GraphQL SDL, as schema.graphql holds it."""
    return schema.as_str().rstrip("\n") + "\n"


def export_sdl(path: Path = SDL_PATH) -> bool:
    """Write the SDL to `path`; returns whether the file changed."""
    text = sdl()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
