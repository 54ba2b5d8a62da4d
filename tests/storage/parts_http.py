"""Parts over plain HTTP, as a client sends them to signed part URLs (Content-MD5 on every PUT)."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import requests


def put_part(url: str, data: bytes, md5_of: bytes | None = None) -> requests.Response:
    """PUT ``data``, declaring the MD5 of ``md5_of`` (default: of ``data`` itself)."""
    md5 = base64.b64encode(hashlib.md5(data if md5_of is None else md5_of).digest()).decode()
    return requests.put(url, data=data, headers={"Content-MD5": md5}, timeout=30)


def part_number(url: str) -> int:
    """The part a signed URL is for: S3's ``partNumber`` query parameter, else (the filesystem
    store's part URLs) the last path segment."""
    parsed = urlsplit(url)
    return int(parse_qs(parsed.query).get("partNumber", [parsed.path.rsplit("/", 1)[1]])[0])


def part_of(data: bytes, plan, number: int) -> bytes:
    return data[plan.offset_of(number) : plan.offset_of(number) + plan.size_of(number)]


def upload_parts(store, key: str, upload_id: str, data: bytes, plan, numbers=None) -> None:
    for number in numbers or range(1, plan.count + 1):
        response = put_part(store.part_url(key, upload_id, number, 600), part_of(data, plan, number))
        assert response.status_code == 200, response.text
        assert response.headers["ETag"].strip('"') == hashlib.md5(part_of(data, plan, number)).hexdigest()
