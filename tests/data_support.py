"""Helpers for the data-layer tests: the real data sets, and a mirror on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import os
import threading
import time
from pathlib import Path

import pytest

# Read once at import, before any test fixture unsets it to make a test hermetic.
_REAL_DATA = os.environ.get("TF1_TUTORIALS_DATA", "").strip()


def real_data_root() -> Path:
    """The folder TF1_TUTORIALS_DATA names (``make test`` and CI set it to ../shared/datasets).

    Without it the test fails rather than skips: a suite that quietly skips its real-data tests
    would pass without having trained anything.
    """
    root = _REAL_DATA
    if not root or not (Path(root) / "mnist").is_dir():
        pytest.fail(
            f"TF1_TUTORIALS_DATA={root!r} does not name a folder holding mnist/ (and cifar10/): "
            "point it at the real data sets (make test uses ../shared/datasets when it exists)",
            pytrace=False,
        )
    return Path(root)


class Mirror:
    """An HTTP server on 127.0.0.1 serving in-memory files: ``routes[path] = (body, headers)``.

    Unknown paths are 404s. ``requests`` records every path asked for, in order; ``delay`` slows
    each answer down (to make concurrent clients overlap).
    """

    def __init__(self):
        self.routes: dict[str, tuple[bytes, dict[str, str]]] = {}
        self.requests: list[str] = []
        self.delay = 0.0
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                mirror.requests.append(self.path)
                time.sleep(mirror.delay)
                if self.path not in mirror.routes:
                    self.send_error(404)
                    return
                body, headers = mirror.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
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
