"""The per-request context: the caller, a counting query runner, and fresh DataLoaders."""

from __future__ import annotations

from functools import cached_property

from strawberry.fastapi import BaseContext

from cibgraph.api.auth import Principal
from cibgraph.api.graphql.dataloaders import Loaders
from cibgraph.api.graphql.db import Db
from cibgraph.api.graphql.detections import DetectionRunner
from cibgraph.api.graphql.errors import Forbidden


class Context(BaseContext):
    """What every resolver sees: who asks, the database, this request's loaders and its id."""

    def __init__(
        self,
        *,
        db: Db,
        principal: Principal | None,
        request_id: str,
        runner: DetectionRunner | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.principal = principal
        self.request_id = request_id
        self.runner = runner  # starts detection runs; None where the server cannot

    @cached_property
    def loaders(self) -> Loaders:
        """This request's DataLoaders, made when a resolver first asks (a look-up needs none)."""
        return Loaders(self.db)

    @property
    def author(self) -> str:
        """The caller's name, for the records it writes (fields that write check the role)."""
        if self.principal is None:
            raise Forbidden("forbidden: an API key is required")
        return self.principal.name


def request_id_of(context: object) -> str | None:
    return getattr(context, "request_id", None)
