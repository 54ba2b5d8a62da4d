"""The filesystem store's stand-ins for S3's presigned URLs, mounted on the API.

Authorised by the URL's signature, not by a token (the URL is the grant, as with S3).
Bodies are streamed in chunks straight from the WSGI input to disk and back, so memory
stays flat whatever the part or file size.
"""

import re

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from backend.media.storage import get_storage
from storage import StorageError, content_disposition
from storage.errors import NoSuchKey
from storage.filesystem import FilesystemStorage

DRAIN_CHUNK = 1024 * 1024


@csrf_exempt
@require_http_methods(["PUT"])
def receive_part(request: HttpRequest, upload_id: str, part_number: int) -> HttpResponse:
    storage = get_storage()
    if not isinstance(storage, FilesystemStorage):
        return _error(NoSuchKey("this store takes parts on its own endpoint"))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return JsonResponse({"code": "length_required", "detail": "send the part with a Content-Length"}, status=411)
    query = request.GET
    try:
        storage.authorize_part(upload_id, part_number, query.get("expires"), query.get("signature"))
    except StorageError as error:
        # Read the refused body, so the client sees the answer (and fetches a fresh URL) rather than a reset.
        _drain(request, length)
        return _error(error)
    try:
        part = storage.receive_part(upload_id, part_number, request, length, request.headers.get("Content-MD5"))
    except StorageError as error:
        return _error(error)
    response = JsonResponse({"number": part.number, "size": part.size, "etag": part.etag})
    response["ETag"] = f'"{part.etag}"'
    return response


@require_GET
def download_object(request: HttpRequest) -> HttpResponse:
    storage = get_storage()
    if not isinstance(storage, FilesystemStorage):
        return _error(NoSuchKey("this store serves files on its own endpoint"))
    key, filename = request.GET.get("key", ""), request.GET.get("filename", "")
    try:
        storage.authorize_download(key, filename, request.GET.get("expires"), request.GET.get("signature"))
        info = storage.head(key)
        stream = storage.open(key)
    except StorageError as error:
        return _error(error)
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


def _drain(request: HttpRequest, length: int) -> None:
    while length > 0:
        chunk = request.read(min(DRAIN_CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)


def _error(error: StorageError) -> JsonResponse:
    return JsonResponse({"code": error.code, "detail": error.detail}, status=error.status)
