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
from .parts import S3_MIN_PART_SIZE

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
    """Multipart object storage. Keys are built by the server, never from client file names.

    As in ``django.core.files.storage``: the public methods hold the shared rule (every key is
    validated here, once) and call the backend's private ``_`` method; backends implement only
    the ``_`` methods. ``min_part_size`` is the smallest part but the last the store accepts.
    """

    min_part_size: int = S3_MIN_PART_SIZE

    # The following methods represent the public interface; backends implement the private ones.

    def create_multipart(self, key: str, content_type: str) -> str:
        """Start a multipart upload and return its upload id."""
        return self._create_multipart(validate_key(key), content_type)

    def part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        """A signed URL the client PUTs one part's bytes to."""
        return self._part_url(validate_key(key), upload_id, part_number, expires_in)

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        """Parts received so far, in part-number order."""
        return self._list_parts(validate_key(key), upload_id)

    def complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo:
        """Assemble ``parts`` (in order) into the object at ``key``."""
        return self._complete_multipart(validate_key(key), upload_id, parts)

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Free the parts of an upload. Idempotent: aborting a finished upload is a no-op."""
        self._abort_multipart(validate_key(key), upload_id)

    def head(self, key: str) -> ObjectInfo:
        """Size, ETag and type of a stored object; raises ``NoSuchKey``."""
        return self._head(validate_key(key))

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; the caller closes it."""
        return self._open(validate_key(key))

    def download_url(self, key: str, expires_in: int, filename: str) -> str:
        """A short-lived signed GET URL answering with ``Content-Disposition: attachment``."""
        return self._download_url(validate_key(key), expires_in, filename)

    def put_file(self, key: str, path: str | Path, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store a local file (worker output: renditions, thumbnails, subtitles)."""
        return self._put_file(validate_key(key), Path(path), content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store a small object held in memory."""
        return self._put_bytes(validate_key(key), data, content_type)

    def delete(self, key: str) -> None:
        """Delete an object; deleting a missing key is not an error (as in Django)."""
        self._delete(validate_key(key))

    def local_path(self, key: str) -> Path | None:
        """A path on this machine holding the object, for tools that need a file (ffmpeg); None if remote."""
        return self._local_path(validate_key(key))

    def sha256(self, key: str) -> str:
        """SHA-256 hex of an object. Reads the whole object unless the store knows it: call it from a worker."""
        return self._sha256(validate_key(key))

    def ping(self) -> bool:
        """Whether the store is reachable and usable, for ``/readyz``."""
        return self._ping()

    # The backends' part: keys arrive validated.

    @abstractmethod
    def _create_multipart(self, key: str, content_type: str) -> str: ...

    @abstractmethod
    def _part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str: ...

    @abstractmethod
    def _list_parts(self, key: str, upload_id: str) -> list[Part]: ...

    @abstractmethod
    def _complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo: ...

    @abstractmethod
    def _abort_multipart(self, key: str, upload_id: str) -> None: ...

    @abstractmethod
    def _head(self, key: str) -> ObjectInfo: ...

    @abstractmethod
    def _open(self, key: str) -> BinaryIO: ...

    @abstractmethod
    def _download_url(self, key: str, expires_in: int, filename: str) -> str: ...

    @abstractmethod
    def _put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo: ...

    @abstractmethod
    def _put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo: ...

    @abstractmethod
    def _delete(self, key: str) -> None: ...

    @abstractmethod
    def _ping(self) -> bool: ...

    def _local_path(self, key: str) -> Path | None:
        return None

    def _sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        with self._open(key) as stream:
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
