"""Serving a fake service on loopback for the tests."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


def serve_on_loopback(handler) -> tuple[str, callable]:
    """Serve `handler` (a BaseHTTPRequestHandler class) on a free loopback port, in a thread;
    returns (base URL, stop())."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop
