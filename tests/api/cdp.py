"""A minimal Chrome DevTools Protocol client over a hand-rolled websocket, for the Browser test."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--window-size=1400,900",
)


class Chromium:
    """Headless Chromium with a fresh profile, driven through one page's CDP websocket."""

    def __init__(self, profile: Path, *, flags: tuple[str, ...] = ()) -> None:
        exe = shutil.which("chromium")
        if exe is None:
            raise RuntimeError("chromium is not installed: apt-get install -y chromium")
        self.proc = subprocess.Popen(
            [exe, *CHROMIUM_FLAGS, *flags, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.is_file() or len(port_file.read_text().split()) < 2:
            if time.monotonic() > deadline:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        targets = json.loads(_http_get("127.0.0.1", port, "/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.sock = _ws_connect(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        msg_id = self.next_id
        _ws_send(self.sock, json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(_ws_recv(self.sock))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def js(self, expression: str) -> Any:
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return r.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.3)
        raise TimeoutError(f"page never satisfied: {expression}")

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.sock.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _http_get(host: str, port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=10) as resp:
        text: str = resp.read().decode()
    return text


def _ws_connect(url: str) -> socket.socket:
    u = urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=60)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"websocket upgrade refused: {head[:100]!r}")
    return s


def _ws_send(s: socket.socket, text: str) -> None:
    payload = text.encode()
    header = bytearray([0x81])
    n = len(payload)
    if n < 126:
        header.append(0x80 | n)
    elif n < 65536:
        header.append(0x80 | 126)
        header += struct.pack(">H", n)
    else:
        header.append(0x80 | 127)
        header += struct.pack(">Q", n)
    mask = os.urandom(4)
    s.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _read(s: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("websocket closed")
        data += chunk
    return data


def _ws_recv(s: socket.socket) -> str:
    message = b""
    while True:
        b0, b1 = _read(s, 2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", _read(s, 2))[0]
        elif n == 127:
            n = struct.unpack(">Q", _read(s, 8))[0]
        payload = _read(s, n)
        if b0 & 0x0F in (0x9, 0xA):  # ping / pong: not part of a message
            continue
        message += payload
        if b0 & 0x80:
            return message.decode()
