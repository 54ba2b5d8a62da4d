"""The S3 backend against a real moto server process, parts PUT over plain HTTP to presigned URLs."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from storage.errors import ChecksumMismatch, InvalidPart, NoSuchKey, NoSuchUpload, SizeMismatch
from storage.integrity import check_parts
from storage.parts import MiB, PartPolicy
from storage.s3 import S3Storage

KEY = "partners/CCTV/programmes/12/masters/0001/source"
POLICY = PartPolicy(part_size=5 * MiB)  # moto enforces the 5 MiB minimum for all parts but the last


def _put(url: str, data: bytes) -> requests.Response:
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    return requests.put(url, data=data, headers={"Content-MD5": md5}, timeout=30)


def _upload_parts(storage, upload_id, data, plan, numbers=None):
    for number in numbers or range(1, plan.count + 1):
        offset = plan.offset_of(number)
        response = _put(storage.part_url(KEY, upload_id, number, 600), data[offset : offset + plan.size_of(number)])
        assert response.status_code == 200, response.text
        assert response.headers["ETag"].strip('"') == hashlib.md5(data[offset : offset + plan.size_of(number)]).hexdigest()


def _md5s(data, plan):
    return {n: hashlib.md5(data[plan.offset_of(n) : plan.offset_of(n) + plan.size_of(n)]).hexdigest() for n in range(1, plan.count + 1)}


def test_multipart_upload_end_to_end_with_sha256(s3_storage, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    assert plan.count == 3
    upload_id = s3_storage.create_multipart(KEY, "application/mxf")
    _upload_parts(s3_storage, upload_id, data, plan)

    received = s3_storage.list_parts(KEY, upload_id)
    assert [(p.number, p.size) for p in received] == [(1, 5 * MiB), (2, 5 * MiB), (3, MiB)]
    parts = check_parts(plan, received, _md5s(data, plan))
    info = s3_storage.complete_multipart(KEY, upload_id, parts)

    assert info.size == len(data) and info.content_type == "application/mxf"
    assert info.etag.endswith("-3")
    assert info.sha256 is None  # S3 cannot hash a multipart object: sha256() streams it instead
    assert s3_storage.sha256(KEY) == hashlib.sha256(data).hexdigest()
    with s3_storage.open(KEY) as stream:
        assert stream.read() == data


def test_changed_part_is_detected_and_nothing_is_completed(s3_storage, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = s3_storage.create_multipart(KEY, "video/mp4")
    _upload_parts(s3_storage, upload_id, data, plan, [1, 3])
    changed = bytearray(data[plan.offset_of(2) : plan.offset_of(2) + plan.size_of(2)])
    changed[1000] ^= 0xFF
    assert _put(s3_storage.part_url(KEY, upload_id, 2, 600), bytes(changed)).status_code == 200

    with pytest.raises(ChecksumMismatch, match="parts 2 differ"):
        check_parts(plan, s3_storage.list_parts(KEY, upload_id), _md5s(data, plan))
    with pytest.raises(NoSuchKey):
        s3_storage.head(KEY)


def test_missing_parts_and_wrong_total_size_are_refused(s3_storage, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = s3_storage.create_multipart(KEY, "video/mp4")
    _upload_parts(s3_storage, upload_id, data, plan, [1, 2])
    with pytest.raises(Exception, match="parts 3 of 3"):
        check_parts(plan, s3_storage.list_parts(KEY, upload_id))
    _upload_parts(s3_storage, upload_id, data, plan, [3])
    declared_larger = POLICY.plan(len(data) + 1)
    with pytest.raises(SizeMismatch, match="part 3 is 1048576 bytes, expected 1048577"):
        check_parts(declared_larger, s3_storage.list_parts(KEY, upload_id))


def test_completing_with_a_wrong_etag_fails(s3_storage, make_file):
    data = make_file(6 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = s3_storage.create_multipart(KEY, "video/mp4")
    _upload_parts(s3_storage, upload_id, data, plan)
    parts = s3_storage.list_parts(KEY, upload_id)
    with pytest.raises(InvalidPart):
        s3_storage.complete_multipart(KEY, upload_id, [type(parts[0])(1, parts[0].size, "0" * 32), parts[1]])


def test_abort_frees_the_parts(s3_storage, make_file):
    data = make_file(6 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = s3_storage.create_multipart(KEY, "video/mp4")
    _upload_parts(s3_storage, upload_id, data, plan, [1])
    s3_storage.abort_multipart(KEY, upload_id)
    with pytest.raises(NoSuchUpload):
        s3_storage.list_parts(KEY, upload_id)
    assert s3_storage.client.list_multipart_uploads(Bucket=s3_storage.bucket).get("Uploads", []) == []
    s3_storage.abort_multipart(KEY, upload_id)  # the cleanup task may abort twice


def test_presigned_part_url_is_sigv4_and_expires():
    # moto does not enforce presigned-URL expiry, so the expiry is checked on the URL itself;
    # the filesystem tests exercise refusal of expired URLs end to end.
    storage = S3Storage("masters", endpoint_url="https://s3.example.org", access_key="a", secret_key="b", addressing_style="virtual")
    url = urlsplit(storage.part_url(KEY, "upload-1", 7, 900))
    query = parse_qs(url.query)
    assert url.netloc == "masters.s3.example.org" and url.path == f"/{KEY}"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["900"]
    assert query["partNumber"] == ["7"] and query["uploadId"] == ["upload-1"]
    assert "x-amz-checksum" not in url.query.lower()  # no checksum header demanded of clients
    path_style = S3Storage("masters", endpoint_url="https://s3.example.org", access_key="a", secret_key="b", addressing_style="path")
    assert urlsplit(path_style.part_url(KEY, "u", 1, 60)).path == f"/masters/{KEY}"


def test_download_url_names_the_file_in_any_script(s3_storage):
    s3_storage.put_bytes(KEY, "ترجمة".encode(), "text/plain")
    response = requests.get(s3_storage.download_url(KEY, 60, "مستند-纪录片.srt"), timeout=10)
    assert response.status_code == 200 and response.content == "ترجمة".encode()
    assert "filename*=UTF-8''%D9%85%D8%B3%D8%AA%D9%86%D8%AF-%E7%BA%AA%E5%BD%95%E7%89%87.srt" in response.headers["Content-Disposition"]


def test_objects_put_head_delete_and_ping(s3_storage, moto_endpoint, make_file):
    path = make_file(3 * MiB, "proxy.mp4")
    info = s3_storage.put_file(KEY, path, "video/mp4")
    assert (info.size, info.content_type) == (3 * MiB, "video/mp4")
    assert s3_storage.head(KEY).etag == hashlib.md5(path.read_bytes()).hexdigest()
    s3_storage.delete(KEY)
    with pytest.raises(NoSuchKey):
        s3_storage.head(KEY)
    s3_storage.delete(KEY)
    assert s3_storage.ping()
    assert not S3Storage("no-such-bucket", endpoint_url=moto_endpoint, access_key="t", secret_key="t").ping()
    assert not S3Storage("masters", endpoint_url="http://127.0.0.1:9", access_key="t", secret_key="t").ping()
