"""The filesystem backend through a real HTTP server that mounts its signed part and download URLs."""

import hashlib
import io

import pytest
import requests

from storage.errors import IncompleteBody, InvalidPart, NoSuchUpload
from storage.parts import PartPolicy
from tests.storage.parts_http import put_part

KEY = "partners/PTV/programmes/3/masters/0001/source"
POLICY = PartPolicy(part_size=64 * 1024, min_part_size=1024)


@pytest.fixture
def served(fs_storage, protocol_server):
    protocol_server(fs_storage, POLICY)
    return fs_storage


def test_a_body_that_does_not_match_its_md5_is_discarded(served):
    upload_id = served.create_multipart(KEY, "video/mp4")
    response = put_part(served.part_url(KEY, upload_id, 1, 60), b"changed bytes", md5_of=b"original bytes")
    assert response.status_code == 400 and response.json()["code"] == "checksum_mismatch"
    assert served.list_parts(KEY, upload_id) == []
    assert list((served.parts.root / upload_id).glob("*.tmp")) == []


def test_expired_and_tampered_urls_are_refused(fs_storage, protocol_server, clock):
    protocol_server(fs_storage, POLICY)
    upload_id = fs_storage.create_multipart(KEY, "video/mp4")
    url = fs_storage.part_url(KEY, upload_id, 1, 30)

    tampered = requests.put(url.replace("/1?", "/2?"), data=b"x", timeout=10)
    assert (tampered.status_code, tampered.json()["code"]) == (403, "signature_invalid")
    clock.offset = 31
    expired = put_part(url, b"part one")
    assert (expired.status_code, expired.json()["code"]) == (403, "signature_expired")
    assert fs_storage.list_parts(KEY, upload_id) == []
    assert put_part(fs_storage.part_url(KEY, upload_id, 1, 30), b"part one").status_code == 200


def test_abort_frees_the_parts(served):
    upload_id = served.create_multipart(KEY, "video/mp4")
    url = served.part_url(KEY, upload_id, 1, 60)
    assert put_part(url, b"a" * 2048).status_code == 200
    served.abort_multipart(KEY, upload_id)
    assert not (served.parts.root / upload_id).exists()
    with pytest.raises(NoSuchUpload):
        served.list_parts(KEY, upload_id)
    late = put_part(url, b"a" * 2048)
    assert (late.status_code, late.json()["code"]) == (404, "upload_not_found")
    served.abort_multipart(KEY, upload_id)


def test_truncated_body_and_unknown_parts_are_refused(served):
    upload_id = served.create_multipart(KEY, "video/mp4")
    with pytest.raises(IncompleteBody):
        served.receive_part(upload_id, 1, io.BytesIO(b"short"), 10)
    with pytest.raises(InvalidPart):
        served.receive_part(upload_id, 10_001, io.BytesIO(b"x"), 1)
    assert served.list_parts(KEY, upload_id) == []
    part = served.receive_part(upload_id, 1, io.BytesIO(b"0123456789"), 10)
    assert part.sha256 == hashlib.sha256(b"0123456789").hexdigest()
    with pytest.raises(InvalidPart):
        served.complete_multipart(KEY, upload_id, [type(served.list_parts(KEY, upload_id)[0])(1, 10, "0" * 32)])
    with pytest.raises(NoSuchUpload):
        served.list_parts("partners/PTV/other", upload_id)  # an upload id only works with its own key
    with pytest.raises(NoSuchUpload):
        served.receive_part("../../etc", 1, io.BytesIO(b"x"), 1)


def test_receive_part_streams_in_chunks(served):
    class Counting(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            assert size != -1
            Counting.largest = max(Counting.largest, size)
            return super().read(size)

    upload_id = served.create_multipart(KEY, "video/mp4")
    served.parts.chunk_size = 4096
    served.receive_part(upload_id, 1, Counting(b"z" * 100_000), 100_000)
    assert Counting.largest == 4096


def _base(storage) -> str:
    return storage.part_base_url.split("/storage/")[0]
