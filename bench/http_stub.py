"""A minimal HTTP server answering 200 to every request: Kannel's callbacks in bench.sms.

Kannel calls the ``dlr-url`` of every text (twice with fakesmsc: the SMS
centre's acknowledgement, then "delivered"). The benchmark measures sending,
so both of its runs (the plain sendsms loop and Faro) point those calls at
this stub, run as a process of its own so it takes no time from the loop
that measures the gateway's limit: Kannel does the same work in both runs.

Run: ``python -m bench.http_stub PORT`` (127.0.0.1 only; nothing is logged).
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Answer(BaseHTTPRequestHandler):
    """200 "ok" to GET and POST, keeping the connection open (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"

    def _ok(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _ok

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Nothing logged: the URLs carry numbers' delivery references."""


def main(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), Answer)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
