"""One contract for every object store: what the API and workers rely on, over real HTTP.

Runs on the filesystem store and on an S3 server (see ``store`` in conftest.py); a backend
that cannot do something has that case skipped with the reason, nothing else.
"""

import hashlib

import pytest
import requests

from storage import ObjectInfo
from storage.errors import ChecksumMismatch, InvalidKey, InvalidPart, NoSuchKey, NoSuchUpload, SizeMismatch
from storage.integrity import check_parts
from storage.parts import MiB, PartPolicy
from tests.storage.parts_http import part_of, put_part, upload_parts

KEY = "partners/CCTV/programmes/12/masters/0001/纪录片-سند.mxf"
POLICY = PartPolicy(part_size=5 * MiB)  # S3's minimum for every part but the last


def _md5s(data, plan):
    return {n: hashlib.md5(part_of(data, plan, n)).hexdigest() for n in range(1, plan.count + 1)}


def test_multipart_upload_end_to_end(store, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = store.create_multipart(KEY, "application/mxf")
    upload_parts(store, KEY, upload_id, data, plan, [3, 1, 2])  # the order of arrival does not matter

    received = store.list_parts(KEY, upload_id)
    assert [(p.number, p.size) for p in received] == [(1, 5 * MiB), (2, 5 * MiB), (3, MiB)]
    info = store.complete_multipart(KEY, upload_id, check_parts(plan, received, _md5s(data, plan)))

    assert isinstance(info, ObjectInfo)
    assert (info.size, info.content_type) == (len(data), "application/mxf") and info.etag.endswith("-3")
    # A store may know the SHA-256 on completion (filesystem) or not (S3); sha256() always does.
    assert info.sha256 in (None, hashlib.sha256(data).hexdigest())
    assert store.sha256(KEY) == hashlib.sha256(data).hexdigest()
    with store.open(KEY) as stream:
        assert stream.read() == data
    with pytest.raises(NoSuchUpload):
        store.list_parts(KEY, upload_id)


def test_a_changed_part_is_detected_and_nothing_is_completed(store, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = store.create_multipart(KEY, "video/mp4")
    upload_parts(store, KEY, upload_id, data, plan, [1, 3])
    changed = bytearray(part_of(data, plan, 2))
    changed[1000] ^= 0xFF
    assert put_part(store.part_url(KEY, upload_id, 2, 600), bytes(changed)).status_code == 200

    with pytest.raises(ChecksumMismatch, match="parts 2 differ"):
        check_parts(plan, store.list_parts(KEY, upload_id), _md5s(data, plan))
    with pytest.raises(NoSuchKey):
        store.head(KEY)


def test_missing_parts_and_a_wrong_total_size_are_refused(store, make_file):
    data = make_file(11 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = store.create_multipart(KEY, "video/mp4")
    upload_parts(store, KEY, upload_id, data, plan, [1, 2])
    with pytest.raises(Exception, match="parts 3 of 3"):
        check_parts(plan, store.list_parts(KEY, upload_id))
    upload_parts(store, KEY, upload_id, data, plan, [3])
    with pytest.raises(SizeMismatch, match="part 3 is 1048576 bytes, expected 1048577"):
        check_parts(POLICY.plan(len(data) + 1), store.list_parts(KEY, upload_id))


def test_completing_with_a_wrong_etag_fails(store, make_file):
    data = make_file(6 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = store.create_multipart(KEY, "video/mp4")
    upload_parts(store, KEY, upload_id, data, plan)
    first, second = store.list_parts(KEY, upload_id)
    with pytest.raises(InvalidPart):
        store.complete_multipart(KEY, upload_id, [type(first)(1, first.size, "0" * 32), second])


def test_abort_frees_the_parts_and_may_be_repeated(store, make_file):
    data = make_file(6 * MiB).read_bytes()
    plan = POLICY.plan(len(data))
    upload_id = store.create_multipart(KEY, "video/mp4")
    upload_parts(store, KEY, upload_id, data, plan, [1])
    store.abort_multipart(KEY, upload_id)
    with pytest.raises(NoSuchUpload):
        store.list_parts(KEY, upload_id)
    store.abort_multipart(KEY, upload_id)  # the cleanup task may abort twice


def test_download_url_serves_the_file_and_names_it_in_any_script(store):
    store.put_bytes(KEY, "ترجمة".encode(), "text/plain")
    response = requests.get(store.download_url(KEY, 60, "مستند-纪录片.srt"), timeout=10)
    assert response.status_code == 200 and response.content == "ترجمة".encode()
    assert "filename*=UTF-8''%D9%85%D8%B3%D8%AA%D9%86%D8%AF-%E7%BA%AA%E5%BD%95%E7%89%87.srt" in response.headers["Content-Disposition"]


def test_objects_put_head_delete_and_ping(store, make_file):
    path = make_file(3 * MiB, "proxy.mp4")
    info = store.put_file(KEY, path, "video/mp4")
    assert (info.size, info.content_type) == (3 * MiB, "video/mp4")
    assert store.head(KEY).etag == hashlib.md5(path.read_bytes()).hexdigest()
    store.delete(KEY)
    with pytest.raises(NoSuchKey):
        store.head(KEY)
    with pytest.raises(NoSuchKey):
        store.open(KEY)
    store.delete(KEY)  # deleting a missing key is not an error
    assert store.ping()


def test_signed_urls_expire(store, later, make_file):
    data = make_file(MiB).read_bytes()
    upload_id = store.create_multipart(KEY, "video/mp4")
    part_url = store.part_url(KEY, upload_id, 1, 1)
    store.put_bytes(KEY + ".srt", b"1", "text/plain")
    download_url = store.download_url(KEY + ".srt", 1, "x.srt")
    later(3)
    assert put_part(part_url, data).status_code == 403
    assert requests.get(download_url, timeout=10).status_code == 403
    assert store.list_parts(KEY, upload_id) == []
    assert put_part(store.part_url(KEY, upload_id, 1, 60), data).status_code == 200  # a fresh URL works


@pytest.mark.parametrize("key", ["", "/etc/passwd", "a/../../b", "a//b", "a\\b", "a/\x01/b", "./a"])
def test_every_public_method_refuses_keys_that_are_not_plain_relative_paths(store, key):
    for call in (lambda: store.head(key), lambda: store.open(key), lambda: store.put_bytes(key, b"x"),
                 lambda: store.delete(key), lambda: store.download_url(key, 60, "x"),
                 lambda: store.create_multipart(key, "video/mp4"), lambda: store.local_path(key)):
        with pytest.raises(InvalidKey):
            call()
