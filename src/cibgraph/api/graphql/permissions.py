"""Who may use a field, declared on the field: strawberry permission classes over the key's role."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from cibgraph.api.graphql.errors import Forbidden


class IsAnalyst(BasePermission):
    """Analyst and admin keys: everything that writes (notes, cases, runs) or exports."""

    message = "forbidden: this key's role may only read; mutations need an analyst or admin key"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        principal = getattr(info.context, "principal", None)
        if principal is not None and principal.role.can_write:
            return True
        role = principal.role.value if principal is not None else "anonymous"
        raise Forbidden(
            f"forbidden: this key's role ({role}) may only read; "
            "mutations need an analyst or admin key"
        )

    def on_unauthorized(self) -> None:
        raise Forbidden(self.message or "forbidden")


#: The permission every mutation carries (a test checks that none lacks it).
WRITERS: list[type[BasePermission]] = [IsAnalyst]
