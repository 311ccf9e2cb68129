"""What a GraphQL request must look like before strawberry sees it, with a short reason if not.

Python's JSON parser guesses UTF-16 and UTF-32 from the bytes, recurses once per nesting level,
and accepts any JSON value; the GraphQL parser recurses once per nested selection. Unchecked, a
UTF-16 body, invalid UTF-8, a string instead of an object, or a few thousand nested brackets
(in the JSON or in the query) end as 500s or a dropped connection. Each is a 400 here.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_NESTING = 32  # variables are input objects: a few levels is all the schema takes
MAX_QUERY_NESTING = 64  # well past the depth limit (12), far below Python's recursion limit


class BadRequest(ValueError):
    """A request body (or query) the API refuses; the message is the reason, for the client."""


def json_nesting(text: str, limit: int) -> bool:
    """Whether JSON text nests brackets deeper than `limit` (strings skipped; one pass)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def query_nesting(query: str, limit: int) -> bool:
    """Whether GraphQL text nests `{`, `(` or `[` deeper than `limit` (strings and comments
    skipped; one pass)."""
    depth = 0
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif query.startswith('"""', i):
            end = query.find('"""', i + 3)
            while end > 0 and query[end - 1] == "\\":
                end = query.find('"""', end + 3)
            i = n if end < 0 else end + 3
            continue
        elif ch == '"':
            i += 1
            while i < n and query[i] not in '"\n':
                i += 2 if query[i] == "\\" else 1
        elif ch in "{([":
            depth += 1
            if depth > limit:
                return True
        elif ch in "})]":
            depth -= 1
        i += 1
    return False


def check_query_text(query: str) -> None:
    if query_nesting(query, MAX_QUERY_NESTING):
        raise BadRequest(f"the query nests deeper than {MAX_QUERY_NESTING} levels")


def check_json_body(body: bytes) -> dict[str, Any]:
    """The body as a GraphQL request object, or `BadRequest` with the reason."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(body) > 1 and b"\x00" in body[:4]):
        raise BadRequest("the body must be JSON in UTF-8 (this looks like UTF-16 or UTF-32)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid UTF-8 (byte {exc.start})") from None
    if json_nesting(text, MAX_JSON_NESTING):
        raise BadRequest(f"the JSON body nests deeper than {MAX_JSON_NESTING} levels")
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError's message names only a position
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if isinstance(data, list):
        raise BadRequest("batched requests are not supported: send one JSON object")
    if not isinstance(data, dict):
        raise BadRequest('the body must be a JSON object such as {"query": "{ viewer { name } }"}')
    query = data.get("query")
    if not isinstance(query, str):
        raise BadRequest("the body's query must be a string")
    for name, kind, what in (
        ("variables", dict, "an object"),
        ("operationName", str, "a string"),
        ("extensions", dict, "an object"),
    ):
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise BadRequest(f"the body's {name} must be {what} or null")
    check_query_text(query)
    return data
