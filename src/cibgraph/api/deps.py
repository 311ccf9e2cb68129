"""Authentication written once, as FastAPI dependencies: the caller of a request, from its key."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from neo4j.exceptions import DriverError, Neo4jError

from cibgraph.api.auth import KeyChecker, Principal, token_from_headers

logger = logging.getLogger(__name__)


def request_id(request: Request) -> str:
    """The id the request middleware gave this request (echoed in `X-Request-Id`)."""
    rid = request.scope.get("state", {}).get("request_id")
    return str(rid) if rid else "-"


async def optional_principal(request: Request) -> Principal | None:
    """The holder of the presented key; None when no key or a bad key was presented.

    A key that cannot be checked because the database is unavailable or overloaded is a 503 the
    client can retry, not a bare 500; the log keeps the detail under the request id.
    """
    token = token_from_headers(
        request.headers.get("authorization"), request.headers.get("x-api-key")
    )
    if not token:
        return None
    checker: KeyChecker = request.app.state.keys
    try:
        return await checker.check(token)
    except (Neo4jError, DriverError, OSError):
        rid = request_id(request)
        logger.exception("request %s: the API key could not be checked", rid)
        raise HTTPException(
            status_code=503,
            detail=f"the database is unavailable or overloaded; retry (request id {rid})",
            headers={"Retry-After": "1"},
        ) from None


def unauthorized() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail="a valid API key is required (Authorization: Bearer <key>)",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The caller; 401 without a valid key."""
    if principal is None:
        raise unauthorized()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
