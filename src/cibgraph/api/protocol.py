"""The HTTP protocol the API's uvicorn workers speak: uvicorn's httptools protocol (the C parser
of llhttp, as `uvicorn[standard]` picks), with Nagle's algorithm off.

asyncio turns Nagle's algorithm off only for sockets it sees as TCP, and the listening socket
uvicorn hands its worker processes reports protocol 0: with `--workers 2` every response's body
then waited for the client's delayed ACK of its headers, some 40 ms a request, whatever the
request (`{ viewer { name } }` took 44 ms instead of 2).

httptools rather than h11: parsing a request and writing its response in pure Python (h11) was
about 6% of a worker's time on short look-ups.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHTTPProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, setting TCP_NODELAY on each connection it is given."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]  # uvicorn wants its own
