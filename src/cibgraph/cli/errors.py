"""One line naming the fix, instead of a traceback, for every error a user can meet.

The root app's group (`CibgraphGroup`) runs every command inside `explain`'s net: the Neo4j
driver's errors (server unreachable, wrong password, missing database, a query out of time) and
the project's own errors become `error: <what happened>: <what to do>` on stderr, at most
`MAX_LINE` characters, and exit code 1. Anything else is a bug: it gets one line too, and
`--verbose` shows its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from pydantic import ValidationError
from typer._click import Context  # typer vendors click: TyperGroup.invoke takes this one
from typer.core import TyperGroup

from cibgraph.cli.output import print_error

MAX_LINE = 200  # characters of the whole printed line, "error: " included
_PREFIX = "error: "

DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
RATE_LIMITED = "Neo.ClientError.Security.AuthenticationRateLimit"
TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"  # and ...ClientConfiguration


def _connection() -> tuple[str, str, str]:
    """The URI, user and database the command used (placeholders if the settings are bad)."""
    from cibgraph.settings import get_settings

    try:
        s = get_settings()
    except ValidationError:
        return ("NEO4J_URI", "NEO4J_USER", "NEO4J_DATABASE")
    return (s.neo4j_uri, s.neo4j_user, s.neo4j_database)


def _setting_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = ".".join(str(part) for part in first["loc"]).upper() or exc.title
    return f"setting {name} is invalid ({first['msg']}): fix it in the environment or .env"


def _neo4j_error(exc: Neo4jError | DriverError) -> str:
    uri, user, database = _connection()
    at = f"Neo4j at {uri}"
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return (
            f"cannot reach {at}: start it with `cibgraph neo4j start`, "
            "or set NEO4J_URI to a running server"
        )
    if code == RATE_LIMITED:
        return (
            f"{at} refused user {user!r} after repeated failed logins: "
            "wait a few seconds, and set NEO4J_PASSWORD to the right password"
        )
    if isinstance(exc, AuthError):
        return f"{at} refused user {user!r}: set NEO4J_PASSWORD (and NEO4J_USER) to its login"
    if code == DATABASE_NOT_FOUND:
        return (
            f"{at} has no database {database!r}: set NEO4J_DATABASE to one it has "
            "(SHOW DATABASES lists them)"
        )
    if code.startswith(TIMED_OUT):
        return (
            f"a query ran out of time on {at}: ask for less "
            "(a smaller --limit or --depth, or a narrower selection) and run it again"
        )
    if isinstance(exc, ConfigurationError):
        return f"{exc}: check NEO4J_URI ({uri!r}); it looks like neo4j://host:7687"
    message = getattr(exc, "message", None) or str(exc)
    return f"{at} failed ({code or type(exc).__name__}): {message}"


def explain(exc: BaseException) -> str | None:
    """The one line (without "error: ") for an error a user can meet, or None for a bug."""
    if isinstance(exc, Neo4jError | DriverError):
        return _neo4j_error(exc)
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return _setting_error(exc)
    if isinstance(exc, TimeoutError):  # waiting for a starting server (neo4j.driver)
        return f"{exc}: start it with `cibgraph neo4j start`, or see `cibgraph neo4j status`"
    if type(exc).__module__.startswith("cibgraph."):  # the project's own errors say enough
        return str(exc)
    return None


def one_line(message: str) -> str:
    """`message` on one line, cut so that "error: " and it fit in `MAX_LINE` characters."""
    line = " ".join(message.split())
    room = MAX_LINE - len(_PREFIX)
    return line if len(line) <= room else line[: room - 1] + "…"


class CibgraphGroup(TyperGroup):
    """The root command: runs the chosen command and turns the errors it raises into one line."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exit codes, Ctrl-C and usage errors: typer prints those itself
        except Exception as exc:
            if ctx.params.get("verbose"):
                raise
            message = explain(exc)
            if message is None:
                message = (
                    "unexpected error, a bug (`cibgraph --verbose …` shows where; please "
                    f"report it): {type(exc).__name__}: {exc}"
                )
            print_error(one_line(message))
            raise typer.Exit(code=1) from None
