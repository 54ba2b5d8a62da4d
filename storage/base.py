"""The object storage interface the API and workers program against.

Modelled on ``django.core.files.storage.Storage``: one small abstract class, several backends
(:mod:`storage.s3`, :mod:`storage.filesystem`). It is about multipart uploads
straight from the client to the store: the API process only signs URLs and checks what the
store received, it never relays the bytes.

Integrity (why MD5 per part and SHA-256 per file):

* every client sends ``Content-MD5`` with each part; AWS S3, MinIO, Ceph RGW and OSS refuse a
  body that does not match it, and every one of them reports the part ETag as the MD5 of the
  bytes it stored. :func:`storage.integrity.check_parts` compares those ETags with the
  MD5s the client declares at completion, so a changed part is caught without the API process
  reading a byte.
* S3 cannot produce the SHA-256 of a multipart object: its SHA-256 checksums are per part or
  *composite* (hash of the part hashes); full-object checksums exist only for the CRC family.
  moto (our test server) neither verifies ``x-amz-checksum-*`` on UploadPart nor returns part
  checksums from ListParts, so a per-part SHA-256 scheme could not be tested either.
  The whole-file SHA-256 is therefore returned by :meth:`Storage.complete_multipart` when the
  store computed it anyway (the filesystem store hashes while concatenating), and otherwise
  obtained with :meth:`Storage.sha256`, which streams the object and belongs in a worker.
"""

from __future__ import annotations

import hashlib
import posixpath
import urllib.parse
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Sequence

from .errors import InvalidKey

CHUNK_SIZE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    """A part as the store received it. ``etag`` is unquoted (the MD5 hex of the bytes on S3)."""

    number: int
    size: int
    etag: str


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    content_type: str = "application/octet-stream"
    last_modified: datetime | None = None
    sha256: str | None = None  # hex, only when the store knows it without reading the object


class Storage(ABC):
    """Multipart object storage. Keys are built by the server, never from client file names."""

    @abstractmethod
    def create_multipart(self, key: str, content_type: str) -> str:
        """Start a multipart upload and return its upload id."""

    @abstractmethod
    def part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        """A signed URL the client PUTs one part's bytes to."""

    @abstractmethod
    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        """Parts received so far, in part-number order."""

    @abstractmethod
    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo:
        """Assemble ``parts`` (in order) into the object at ``key``."""

    @abstractmethod
    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Free the parts of an upload. Idempotent: aborting a finished upload is a no-op."""

    @abstractmethod
    def head(self, key: str) -> ObjectInfo:
        """Size, ETag and type of a stored object; raises ``NoSuchKey``."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; the caller closes it."""

    @abstractmethod
    def download_url(self, key: str, expires_in: int, filename: str) -> str:
        """A short-lived signed GET URL answering with ``Content-Disposition: attachment``."""

    @abstractmethod
    def put_file(self, key: str, path: str | Path, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store a local file (worker output: renditions, thumbnails, subtitles)."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store a small object held in memory."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Delete an object; deleting a missing key is not an error (as in Django)."""

    def local_path(self, key: str) -> Path | None:
        """A path on this machine holding the object, for tools that need a file (ffmpeg); None if remote."""
        return None

    @abstractmethod
    def ping(self) -> bool:
        """Whether the store is reachable and usable, for ``/readyz``."""

    def sha256(self, key: str) -> str:
        """SHA-256 hex of an object, streamed in chunks. Reads the whole object: call it from a worker."""
        digest = hashlib.sha256()
        with self.open(key) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()


def validate_key(key: str) -> str:
    """Refuse keys that are not plain relative paths (``..``, absolute, empty segments, backslashes)."""
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise InvalidKey(f"invalid key {key!r}")
    segments = key.split("/")
    if any(segment in ("", ".", "..") for segment in segments) or posixpath.normpath(key) != key:
        raise InvalidKey(f"invalid key {key!r}")
    if any(ord(char) < 32 for char in key):
        raise InvalidKey(f"invalid key {key!r}")
    return key


def content_disposition(filename: str) -> str:
    """An ``attachment`` header value that keeps non-ASCII names (RFC 6266 / RFC 5987)."""
    name = filename.replace("\\", "_").replace("/", "_").replace('"', "'").replace("\r", "").replace("\n", "")
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def strip_etag(etag: str) -> str:
    return etag.strip().strip('"')
