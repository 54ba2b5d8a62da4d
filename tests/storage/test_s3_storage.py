"""What only the S3 backend does (the shared behaviour is in test_storage_contract.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from storage.errors import NoSuchUpload
from storage.parts import MiB, PartPolicy
from storage.s3 import S3Storage
from tests.storage.parts_http import upload_parts

KEY = "partners/CCTV/programmes/12/masters/0001/source"
POLICY = PartPolicy(part_size=5 * MiB)  # moto enforces the 5 MiB minimum for all parts but the last


def test_abort_frees_the_parts(s3_storage, make_file):
    data = make_file(6 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = s3_storage.create_multipart(KEY, "video/mp4")
    upload_parts(s3_storage, KEY, upload_id, data, plan, [1])
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


def test_ping_fails_without_the_bucket_or_the_server(s3_server):
    assert not S3Storage("no-such-bucket", endpoint_url=s3_server.endpoint, access_key=s3_server.access_key,
                         secret_key=s3_server.secret_key).ping()
    assert not S3Storage("masters", endpoint_url="http://127.0.0.1:9", access_key="t", secret_key="t").ping()


def test_urls_are_signed_for_the_endpoint_partners_reach():
    # In compose the API talks to http://minio:9000; partners reach the store under its public name.
    storage = S3Storage("masters", endpoint_url="http://minio:9000", public_endpoint_url="https://media.example.org",
                        access_key="a", secret_key="b", addressing_style="path")
    assert urlsplit(storage.part_url(KEY, "u", 1, 60)).netloc == "media.example.org"
    assert urlsplit(storage.download_url(KEY, 60, "x.mxf")).netloc == "media.example.org"
    assert storage.client.meta.endpoint_url == "http://minio:9000"
