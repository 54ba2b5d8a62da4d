"""Gunicorn's threaded worker answering its own errors in the API's JSON error shape.

Gunicorn refuses some requests before Django sees them (a request line over
`limit_request_line`, bytes that are not HTTP, too many headers) and answers them with
an HTML page. This worker lets gunicorn pick the status and log as usual, then sends
`{"code", "detail"}` instead of the page. Configured in deploy/gunicorn.conf.py.
"""

import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

# Gunicorn's statuses for the requests it refuses (gunicorn/workers/base.py handle_error).
CODES = {
    400: "bad_request", 403: "forbidden", 414: "request_line_too_long", 417: "expectation_failed",
    431: "request_headers_too_large", 500: "server_error", 501: "not_implemented",
}


class _ErrorPage:
    """Stands in for the client socket while gunicorn writes its error page, to learn its status line."""

    def __init__(self) -> None:
        self.written = b""

    def gettimeout(self) -> float:
        return 0.0  # so gunicorn writes straight to sendall()

    def sendall(self, data: bytes) -> None:
        self.written += data


def json_error_response(status_line: str, detail: str) -> bytes:
    """A complete HTTP/1.1 response with the API's error body, closing the connection as gunicorn does."""
    status = int(status_line.split()[0])
    body = json.dumps({"code": CODES.get(status, "bad_request"), "detail": detail}).encode()
    head = (f"HTTP/1.1 {status_line}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class JSONErrorThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc) -> None:
        page = _ErrorPage()
        super().handle_error(req, page, addr, exc)
        status_line = page.written.split(b"\r\n", 1)[0].decode("latin-1").removeprefix("HTTP/1.1 ")
        if not status_line[:3].isdigit():
            return
        client_error = not status_line.startswith("5")
        detail = f"{status_line[4:]}: {exc}"[:300] if client_error else "Internal server error."
        try:
            util.write_nonblock(client, json_error_response(status_line, detail))
        except OSError:
            self.log.debug("Failed to send error message.")
