"""The embedded default: objects on the local filesystem, uploaded with the same protocol as S3.

Clients PUT parts to URLs signed by :class:`~storage.signing.UrlSigner` on the API
itself; the API mounts two small views on top of this class:

* ``PUT {part_base_url}<upload_id>/<part_number>?expires=…&signature=…`` →
  :meth:`FilesystemStorage.authorize_part` then :meth:`FilesystemStorage.receive_part`,
  answering 200 with ``ETag: "<md5>"``;
* ``GET {download_base_url}<key>?filename=…&expires=…&signature=…`` (the key as the path, as on
  S3, so the URL ends in the file's name and extension, which HLS clients such as ffmpeg check) →
  :meth:`FilesystemStorage.authorize_download` then stream :meth:`FilesystemStorage.open`
  with ``Content-Disposition: content_disposition(filename)``.

Layout under ``root``: ``objects/<key>`` (data), ``meta/<key>.json`` (type, ETag, SHA-256),
``uploads/`` (see :mod:`storage.filesystem_parts`).
"""

from __future__ import annotations

import hashlib
import io
import os
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from .base import ObjectInfo, Part, Storage
from .errors import InvalidKey, NoSuchKey
from .filesystem_parts import ConcatenatedFiles, PartsFolder, ReceivedPart, read_json, write_json
from .parts import S3_MAX_PART_SIZE
from .signing import UrlSigner


class FilesystemStorage(Storage):
    # Parts of any size are accepted, so tests can cut small files into many parts.
    min_part_size = 1

    def __init__(
        self,
        root: str | Path,
        *,
        secret: str | bytes,
        part_base_url: str,
        download_base_url: str,
        chunk_size: int = 1024 * 1024,
        max_part_size: int = S3_MAX_PART_SIZE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = Path(root).resolve()
        self.objects = self.root / "objects"
        self.meta = self.root / "meta"
        for directory in (self.objects, self.meta, self.root / "uploads"):
            directory.mkdir(parents=True, exist_ok=True)
        self.parts = PartsFolder(self.root / "uploads", chunk_size=chunk_size, max_part_size=max_part_size)
        self.signer = UrlSigner(secret, clock)
        self.part_base_url = part_base_url
        self.download_base_url = download_base_url
        self.chunk_size = chunk_size

    # -- the signed endpoints' side (see the module docstring) --------------------------------

    def authorize_part(self, upload_id: str, part_number: int, expires: str | None, signature: str | None) -> None:
        """Check a part URL's signature; raises ``SignatureInvalid`` or ``SignatureExpired``."""
        self.signer.verify("PUT", _part_resource(upload_id, part_number), expires, signature)

    def receive_part(
        self, upload_id: str, part_number: int, stream: BinaryIO, content_length: int, content_md5: str | None = None
    ) -> ReceivedPart:
        """Stream one part's body to disk (see :meth:`PartsFolder.receive`)."""
        return self.parts.receive(upload_id, part_number, stream, content_length, content_md5)

    def authorize_download(self, key: str, filename: str, expires: str | None, signature: str | None) -> None:
        """Check a download URL's signature; raises ``SignatureInvalid`` or ``SignatureExpired``."""
        self.signer.verify("GET", _object_resource(key, filename), expires, signature)

    # -- multipart ---------------------------------------------------------------------------

    def _create_multipart(self, key: str, content_type: str) -> str:
        self._path(key)
        return self.parts.create(key, content_type)

    def _part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        self.parts.check(key, upload_id)
        expires = self.signer.expiry(expires_in)
        signature = self.signer.sign("PUT", _part_resource(upload_id, part_number), expires)
        query = urllib.parse.urlencode({"expires": expires, "signature": signature})
        return f"{self.part_base_url}{upload_id}/{part_number}?{query}"

    def _list_parts(self, key: str, upload_id: str) -> list[Part]:
        return self.parts.list(key, upload_id)

    def _complete_multipart(self, key: str, upload_id: str, parts: Sequence[Part]) -> ObjectInfo:
        assembly = self.parts.assembly(key, upload_id, parts)
        with ConcatenatedFiles(assembly.paths) as source:
            info = self._write_object(key, source, assembly.content_type, etag=assembly.etag)
        self.parts.remove(key, upload_id)
        return info

    def _abort_multipart(self, key: str, upload_id: str) -> None:
        self.parts.remove(key, upload_id)

    # -- objects -----------------------------------------------------------------------------

    def _head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise NoSuchKey(key) from None
        meta = read_json(self._meta_path(key)) if self._meta_path(key).exists() else {}
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            etag=meta.get("etag", ""),
            content_type=meta.get("content_type", "application/octet-stream"),
            last_modified=datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc),
            sha256=meta.get("sha256"),
        )

    def _open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise NoSuchKey(key) from None

    def _download_url(self, key: str, expires_in: int, filename: str) -> str:
        self._path(key)
        expires = self.signer.expiry(expires_in)
        signature = self.signer.sign("GET", _object_resource(key, filename), expires)
        query = urllib.parse.urlencode({"filename": filename, "expires": expires, "signature": signature})
        return f"{self.download_base_url}{urllib.parse.quote(key)}?{query}"

    def _put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        with open(path, "rb") as source:
            return self._write_object(key, source, content_type)

    def _put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        return self._write_object(key, io.BytesIO(data), content_type)

    def _local_path(self, key: str) -> Path:
        return self._path(key)

    def _delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)

    def _ping(self) -> bool:
        return all(os.access(directory, os.W_OK) for directory in (self.objects, self.meta, self.parts.root))

    def _sha256(self, key: str) -> str:
        return self._head(key).sha256 or super()._sha256(key)

    def _write_object(self, key: str, source: BinaryIO, content_type: str, etag: str | None = None) -> ObjectInfo:
        """Copy ``source`` into place chunk by chunk, hashing on the way; the rename makes it atomic."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
        try:
            with open(temporary, "wb") as out:
                while chunk := source.read(self.chunk_size):
                    out.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    size += len(chunk)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        meta = {"content_type": content_type, "etag": etag or md5.hexdigest(), "sha256": sha256.hexdigest()}
        meta_path = self._meta_path(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        write_json(meta_path, meta)
        return ObjectInfo(key, size, meta["etag"], content_type, datetime.now(timezone.utc), meta["sha256"])

    def _path(self, key: str) -> Path:
        path = (self.objects / key).resolve()
        # resolve() follows symlinks too, so a link planted inside the root cannot lead out of it.
        if not path.is_relative_to(self.objects) or path == self.objects:
            raise InvalidKey(f"key {key!r} escapes the storage root")
        return path

    def _meta_path(self, key: str) -> Path:
        return self.meta / f"{key}.json"


def _part_resource(upload_id: str, part_number: int) -> str:
    return f"part/{upload_id}/{part_number}"


def _object_resource(key: str, filename: str) -> str:
    return "object?" + urllib.parse.urlencode({"key": key, "filename": filename})
