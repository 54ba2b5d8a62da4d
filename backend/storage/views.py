"""The filesystem store's stand-ins for S3's presigned URLs, mounted on the API.

Authorised by the URL's signature, not by a token (the URL is the grant, as with S3).
Bodies are streamed in chunks straight from the WSGI input to disk and back, so memory
stays flat whatever the part or file size. Errors go through the API's one exception handler.
"""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.storage import get_storage
from storage import StorageError, content_disposition
from storage.filesystem import FilesystemStorage

DRAIN_CHUNK = 1024 * 1024


class LengthRequired(APIException):
    status_code = 411
    default_code = "length_required"
    default_detail = "Send the part with a Content-Length."


class SignedStoreView(APIView):
    """The signed URL is the grant: no token, and the store must be the filesystem one."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    schema = None  # the store's protocol, not part of the documented API

    def store(self) -> FilesystemStorage:
        storage = get_storage()
        if not isinstance(storage, FilesystemStorage):
            raise NotFound("This store serves its files on its own endpoint.")
        return storage


class PartView(SignedStoreView):
    """``PUT …/parts/<upload_id>/<part_number>?expires=…&signature=…``: one part's body, to disk."""

    def put(self, request, upload_id: str, part_number: int) -> HttpResponse:
        storage = self.store()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            raise LengthRequired() from None
        raw = request._request  # the WSGI body, unread: DRF's parsers never see a part
        try:
            storage.authorize_part(upload_id, part_number, raw.GET.get("expires"), raw.GET.get("signature"))
        except StorageError:
            # Read the refused body, so the client sees the answer (and fetches a fresh URL) rather than a reset.
            _drain(raw, length)
            raise
        part = storage.receive_part(upload_id, part_number, raw, length, request.headers.get("Content-MD5"))
        return Response({"number": part.number, "size": part.size, "etag": part.etag},
                        headers={"ETag": f'"{part.etag}"'})


class ObjectView(SignedStoreView):
    """``GET …/objects/<key>?filename=…&expires=…&signature=…``: a stored file, with byte ranges.

    Web players fetch these (HLS segments): CORS is CorsMiddleware's (settings.CORS_URLS_REGEX)."""

    def get(self, request, key: str) -> HttpResponse:
        storage = self.store()
        filename = request.GET.get("filename", "")
        storage.authorize_download(key, filename, request.GET.get("expires"), request.GET.get("signature"))
        info = storage.head(key)
        stream = storage.open(key)
        byte_range = _requested_range(request.headers.get("Range", ""), info.size)
        if byte_range is None:
            response = FileResponse(stream, content_type=info.content_type)
            response["Content-Length"] = str(info.size)
        else:  # players fetch HLS byte-range segments; download managers resume
            start, end = byte_range
            response = StreamingHttpResponse(_chunks(stream, start, end - start + 1), status=206,
                                             content_type=info.content_type)
            response["Content-Length"] = str(end - start + 1)
            response["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        response["Accept-Ranges"] = "bytes"
        response["Content-Disposition"] = content_disposition(filename)
        return response


def _chunks(stream, start: int, length: int, chunk_size: int = 1024 * 1024):
    with stream:
        stream.seek(start)
        while length > 0:
            chunk = stream.read(min(chunk_size, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _requested_range(header: str, size: int) -> tuple[int, int] | None:
    """A single `bytes=start-end` range within the file, or None for the whole file."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not match or not any(match.groups()) or size == 0:
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        return max(0, size - int(last)), size - 1
    start, end = int(first), min(int(last) if last else size - 1, size - 1)
    return (start, end) if start <= end else None


def _drain(request, length: int) -> None:
    while length > 0:
        chunk = request.read(min(DRAIN_CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)
