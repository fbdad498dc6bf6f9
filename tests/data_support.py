"""Helpers for the data-layer tests: the real data sets, and a mirror on 127.0.0.1."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.server
import os
import select
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

# Read once at import, before any test fixture unsets it to make a test hermetic.
_REAL_DATA = os.environ.get("TF1_TUTORIALS_DATA", "").strip()
REQUIRE_DATA_ENV = "TF1_TUTORIALS_REQUIRE_DATA"


def real_data_root() -> Path:
    """The folder TF1_TUTORIALS_DATA names (``make test`` and CI set it to ../shared/datasets).

    Without it the test is skipped with that reason, except where ``TF1_TUTORIALS_REQUIRE_DATA=1``
    (``make test`` and CI set it): there it fails, since a suite that quietly skips its real-data
    tests would pass without having trained anything.
    """
    root = _REAL_DATA
    if not root or not (Path(root) / "mnist").is_dir():
        reason = (
            f"TF1_TUTORIALS_DATA={root!r} does not name a folder holding mnist/ (and cifar10/): "
            "point it at the real data sets (make test uses ../shared/datasets when it exists)"
        )
        if os.environ.get(REQUIRE_DATA_ENV, "") not in ("", "0"):
            pytest.fail(f"{reason}; {REQUIRE_DATA_ENV} is set", pytrace=False)
        pytest.skip(f"needs the real data: {reason}")
    return Path(root)


FAULT_KINDS = (
    "drop",  # the connection closes after `offset` bytes of a body announced whole
    "reset",  # the same, but with a TCP reset
    "stall",  # `offset` bytes, then nothing until the client gives up (at most `seconds`)
    "long-length",  # Content-Length announces more bytes than are sent
    "short-length",  # Content-Length announces `offset` bytes; the whole body is sent
    "flip",  # one byte of the file altered, at `offset`
    "other-payload",  # well-formed gzip whose content differs at one byte (.gz bodies only)
    "html",  # 200 with a web page instead of the file (a captive portal)
    "error",  # 503
)


@dataclasses.dataclass
class Fault:
    """One misbehaviour of a Mirror for one request: a kind of FAULT_KINDS, where in the body."""

    kind: str
    offset: int = 0
    seconds: float = 30.0

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}")


def altered(body: bytes, fault: Fault) -> bytes:
    """The body a "flip" or "other-payload" fault serves instead of ``body``."""
    if fault.kind == "flip":
        at = fault.offset % len(body)
        return body[:at] + bytes([body[at] ^ 0x5A]) + body[at + 1 :]
    payload = gzip.decompress(body)
    at = fault.offset % max(1, len(payload))
    changed = payload[:at] + bytes([(payload[at : at + 1] or b"\0")[0] ^ 0x01]) + payload[at + 1 :]
    return gzip.compress(changed, mtime=0)


class Mirror:
    """An HTTP server on 127.0.0.1 serving in-memory files: ``routes[path] = (body, headers)``.

    Unknown paths are 404s. ``requests`` records every path asked for, in order; ``delay`` slows
    each answer down (to make concurrent clients overlap). ``faults[path]`` is a list of Faults:
    each request for ``path`` takes the first one off the list and misbehaves so; with the list
    empty (or absent) the file is served as it is. ``served_faults`` records ``(path, kind)`` of
    each fault served.
    """

    def __init__(self):
        self.routes: dict[str, tuple[bytes, dict[str, str]]] = {}
        self.requests: list[str] = []
        self.faults: dict[str, list[Fault]] = {}
        self.served_faults: list[tuple[str, str]] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                mirror.requests.append(self.path)
                time.sleep(mirror.delay)
                if self.path not in mirror.routes:
                    self.send_error(404)
                    return
                with mirror._lock:
                    queue = mirror.faults.get(self.path)
                    fault = queue.pop(0) if queue else None
                body, headers = mirror.routes[self.path]
                if fault is not None:
                    mirror.served_faults.append((self.path, fault.kind))
                    try:
                        self.misbehave(body, fault)
                    except OSError:  # the client gave up first
                        pass
                    self.close_connection = True
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def misbehave(self, body: bytes, fault: Fault) -> None:
                if fault.kind == "error":
                    self.send_error(503)
                    return
                if fault.kind == "html":
                    body = b"<html><body>Please sign in to use this network.</body></html>"
                elif fault.kind in ("flip", "other-payload"):
                    body = altered(body, fault)
                cut = min(fault.offset, len(body))
                length = {"long-length": len(body) + 1 + fault.offset, "short-length": cut}
                self.send_response(200)
                self.send_header("Content-Length", str(length.get(fault.kind, len(body))))
                self.send_header("Connection", "close")
                self.end_headers()
                if fault.kind == "reset":
                    self.wfile.write(body[:cut])
                    linger = struct.pack("ii", 1, 0)  # close() then sends RST, not FIN
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                elif fault.kind in ("drop", "stall"):
                    self.wfile.write(body[:cut])
                    if fault.kind == "stall":  # until the client closes, or `seconds` pass
                        select.select([self.connection], [], [], fault.seconds)
                else:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, path: str, body: bytes, **headers: str) -> str:
        """Serve ``body`` at ``path``; returns its full URL."""
        self.routes[path] = (body, headers)
        return self.url + path

    def fail(self, path: str, *faults: Fault) -> None:
        """Misbehave on the next requests for ``path``, one fault each, in order."""
        with self._lock:
            self.faults.setdefault(path, []).extend(faults)


@contextlib.contextmanager
def serving():
    mirror = Mirror()
    mirror.thread.start()
    try:
        yield mirror
    finally:
        mirror.server.shutdown()
        mirror.server.server_close()


def closed_port_url(path: str = "/") -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting fails at once, with no DNS involved."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
