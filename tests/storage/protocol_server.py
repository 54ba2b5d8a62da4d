"""A tiny real HTTP server speaking the upload protocol on top of any Storage, for the CLI tests.

It stands in for the Django API (which the lead builds on the same storage interface), using the
same Django-free pieces a view would: PartPolicy, check_parts, StorageError codes, and for the
filesystem store authorize_part/receive_part.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from backend.common.errors import library_error
from storage.base import Storage, content_disposition
from storage.errors import ChecksumMismatch, SizeMismatch, StorageError
from storage.filesystem import FilesystemStorage
from storage.integrity import check_parts
from storage.parts import PartPlan, PartPolicy

TOKEN = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


@dataclass
class Upload:
    id: str
    key: str
    storage_upload_id: str
    size: int
    content_type: str
    plan: PartPlan
    sha256: str | None
    state: str = "uploading"
    asset: dict | None = None


@dataclass
class ProtocolApp:
    storage: Storage
    policy: PartPolicy
    url_ttl: int = 3600
    part_delay: float = 0.0
    fail_part_once: set[int] = field(default_factory=set)  # parts answered 503 on their first PUT
    uploads: dict[str, Upload] = field(default_factory=dict)
    part_puts: list[int] = field(default_factory=list)

    def create(self, programme: str, body: dict) -> tuple[int, dict]:
        plan = self.policy.plan(int(body["size"]))
        key = f"partners/PTV/programmes/{programme}/masters/{uuid.uuid4().hex}/source"
        content_type = body.get("content_type") or "application/octet-stream"
        upload = Upload(uuid.uuid4().hex, key, self.storage.create_multipart(key, content_type), plan.file_size,
                        content_type, plan, body.get("sha256"))
        self.uploads[upload.id] = upload
        return 201, self.resource(upload)

    def resource(self, upload: Upload) -> dict:
        received = self.storage.list_parts(upload.key, upload.storage_upload_id) if upload.state == "uploading" else []
        have = {part.number for part in received}
        expires_at = datetime.fromtimestamp(time.time() + self.url_ttl, tz=timezone.utc).isoformat()
        missing = [number for number in range(1, upload.plan.count + 1) if number not in have]
        return {
            "id": upload.id,
            "state": upload.state,
            "part_size": upload.plan.part_size,
            "part_count": upload.plan.count,
            "parts": [
                {"number": number, "url": self.storage.part_url(upload.key, upload.storage_upload_id, number, self.url_ttl),
                 "expires_at": expires_at, "headers": {}}
                for number in (missing if upload.state == "uploading" else [])
            ],
            "received": [{"number": p.number, "size": p.size, "etag": p.etag} for p in received],
            "asset": upload.asset,
        }

    def complete(self, upload: Upload, body: dict) -> tuple[int, dict]:
        if upload.state == "completed":
            return 200, {"id": upload.id, "state": upload.state, "asset": upload.asset}
        declared_md5 = {int(item["number"]): item["md5"] for item in body.get("parts", [])}
        parts = check_parts(upload.plan, self.storage.list_parts(upload.key, upload.storage_upload_id), declared_md5)
        info = self.storage.complete_multipart(upload.key, upload.storage_upload_id, parts)
        declared_sha256 = upload.sha256 or body.get("sha256")
        try:
            if info.size != upload.size:
                raise SizeMismatch(f"stored {info.size} bytes, declared {upload.size}")
            # The filesystem store hashed while assembling; for S3 a worker would stream it.
            actual = info.sha256 or self.storage.sha256(upload.key)
            if declared_sha256 and actual != declared_sha256:
                raise ChecksumMismatch(f"SHA-256 of the stored file is {actual}, declared {declared_sha256}")
        except StorageError:
            self.storage.delete(upload.key)
            upload.state = "failed"
            raise
        upload.state = "completed"
        upload.asset = {"key": upload.key, "size": info.size, "sha256": actual, "state": "uploaded"}
        return 200, {"id": upload.id, "state": upload.state, "asset": upload.asset}

    def abort(self, upload: Upload) -> tuple[int, dict]:
        self.storage.abort_multipart(upload.key, upload.storage_upload_id)
        upload.state = "aborted"
        return 204, {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: ProtocolApp

    def log_message(self, format: str, *args) -> None:  # keep pytest output clean
        pass

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            if method == "PUT" and (match := re.fullmatch(r"/storage/parts/(\w+)/(\d+)", url.path)):
                return self._put_part(match.group(1), int(match.group(2)), parse_qs(url.query))
            if method == "GET" and url.path.startswith("/storage/download/"):
                return self._download(unquote(url.path.removeprefix("/storage/download/")), parse_qs(url.query))
            if self.headers.get("Authorization") != f"Token {TOKEN}":
                return self._reply(401, {"code": "not_authenticated", "detail": "token required"})
            body = self._json_body()
            if method == "POST" and (match := re.fullmatch(r"/api/v1/programmes/(\w+)/uploads/", url.path)):
                return self._reply(*self.app.create(match.group(1), body))
            match = re.fullmatch(r"/api/v1/uploads/(\w+)/(complete/)?", url.path)
            upload = self.app.uploads.get(match.group(1)) if match else None
            if upload is None:
                return self._reply(404, {"code": "not_found", "detail": "no such upload"})
            if method == "GET" and not match.group(2):
                return self._reply(200, self.app.resource(upload))
            if method == "POST" and match.group(2):
                return self._reply(*self.app.complete(upload, body))
            if method == "DELETE" and not match.group(2):
                return self._reply(*self.app.abort(upload))
            return self._reply(405, {"code": "method_not_allowed", "detail": method})
        except StorageError as error:
            self.close_connection = True
            answer = library_error(error)  # what the API answers for it
            return self._reply(answer.status_code, {"code": error.code, "detail": error.detail})

    def _put_part(self, upload_id: str, number: int, query: dict) -> None:
        storage = self.app.storage
        assert isinstance(storage, FilesystemStorage)
        self.app.part_puts.append(number)
        time.sleep(self.app.part_delay)
        if number in self.app.fail_part_once:
            self.app.fail_part_once.discard(number)
            self.close_connection = True
            return self._reply(503, {"code": "unavailable", "detail": "try again"})
        length = int(self.headers["Content-Length"])
        try:
            storage.authorize_part(upload_id, number, query.get("expires", [None])[0], query.get("signature", [None])[0])
        except StorageError:
            # Read the refused body so the client sees the answer rather than a reset connection.
            while length > 0:
                length -= len(self.rfile.read(min(length, 1 << 20)))
            raise
        part = storage.receive_part(upload_id, number, self.rfile, length, self.headers.get("Content-MD5"))
        self._reply(200, {}, {"ETag": f'"{part.etag}"'})

    def _download(self, key: str, query: dict) -> None:
        storage = self.app.storage
        assert isinstance(storage, FilesystemStorage)
        filename = query["filename"][0]
        storage.authorize_download(key, filename, query.get("expires", [None])[0], query.get("signature", [None])[0])
        info = storage.head(key)
        self.send_response(200)
        self.send_header("Content-Type", info.content_type)
        self.send_header("Content-Length", str(info.size))
        self.send_header("Content-Disposition", content_disposition(filename))
        self.end_headers()
        with storage.open(key) as stream:
            while chunk := stream.read(1 << 20):
                self.wfile.write(chunk)

    def _json_body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else {}

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = b"" if status == 204 else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class ProtocolServer:
    def __init__(self, app: ProtocolApp) -> None:
        handler = type("Handler", (_Handler,), {"app": app})
        self.app = app
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "ProtocolServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
