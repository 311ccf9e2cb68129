"""Each query text parsed once per process: clients send the same few documents over and over.

strawberry's own `ParserCache` parses inside its hook, so a syntax error escapes the hook and
reaches the client without its error code; here a text not yet seen is parsed by strawberry as
usual (its errors handled as every other), and only a document that parsed is remembered. The
parse options (the token limit) are part of the key. A document is never changed after parsing,
so requests can share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

PARSED_KEPT = 512  # documents remembered (per process); past it the memory starts again

_PARSED: dict[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = {}


class ParsedDocuments(SchemaExtension):
    """Hands strawberry the document parsed earlier from the same text and options."""

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if not ctx.query:  # strawberry reports the missing query
            yield
            return
        key = (ctx.query, tuple(sorted(ctx.parse_options.items())))
        known = _PARSED.get(key)
        if known is not None:
            ctx.graphql_document = known  # strawberry then skips its own parse
        yield
        if known is None and ctx.graphql_document is not None:
            if len(_PARSED) >= PARSED_KEPT:
                _PARSED.clear()
            _PARSED[key] = ctx.graphql_document
