"""Errors a client may see, and the masking of every other error behind a request id."""

from __future__ import annotations

import logging
from collections.abc import Callable

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error whose message is written for the client: shown as it is, never masked."""

    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(ApiError):
    """A malformed argument: an id that is not ours, a bound out of range, an unknown kind."""

    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    """The id is well formed, but names nothing."""

    code = "NOT_FOUND"


class Forbidden(ApiError):
    """The key's role does not allow this (the GraphQL form of HTTP 403)."""

    code = "FORBIDDEN"


class QueryTimeout(ApiError):
    """A query ran past its time limit in the database; the message says what to narrow."""

    code = "TIMEOUT"


class Overloaded(ApiError):
    """Too many heavy traversals at once; the client should retry after `retry_after` s."""

    code = "OVERLOADED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def is_client_safe(error: GraphQLError) -> bool:
    """Validation, parsing and limiter errors (no original error) and ApiErrors are safe."""
    original = error.original_error
    return original is None or isinstance(original, ApiError | GraphQLError)


class MaskWithRequestId(MaskErrors):
    """Masks every error not written for clients; the client and the log share a request id.

    Safe errors get an `extensions.code`; masked ones read "Internal error (request id …)" and
    the server log keeps the original error and its traceback under the same id.
    """

    def __init__(self, request_id: Callable[[object], str | None]) -> None:
        super().__init__(error_message="Internal error")
        self._request_id = request_id

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        rid = self._request_id(self.execution_context.context) or "-"
        out: list[GraphQLError] = []
        for error in errors:
            if isinstance(error.original_error, Overloaded):
                _answer_503(self.execution_context.context, error.original_error.retry_after)
            if is_client_safe(error):
                code = (
                    error.original_error.code
                    if isinstance(error.original_error, ApiError)
                    else ("GRAPHQL_VALIDATION_FAILED")
                )
                out.append(
                    GraphQLError(
                        message=error.message,
                        nodes=error.nodes,
                        source=error.source,
                        positions=error.positions,
                        path=error.path,
                        extensions={**(error.extensions or {}), "code": code, "requestId": rid},
                    )
                )
                continue
            logger.error(
                "request %s: %s at %s",
                rid,
                error.message,
                error.path,
                exc_info=error.original_error,
            )
            out.append(
                GraphQLError(
                    message=f"Internal error (request id {rid})",
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": rid},
                )
            )
        return out


def _answer_503(context: object, retry_after: int) -> None:
    """Make the HTTP answer a 503 with Retry-After (strawberry sends the context's response)."""
    response = getattr(context, "response", None)
    if response is not None:
        response.status_code = 503
        response.headers["Retry-After"] = str(retry_after)
