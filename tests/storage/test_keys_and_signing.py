import os

import pytest

from storage.base import content_disposition, validate_key
from storage.errors import InvalidKey, SignatureExpired, SignatureInvalid
from storage.signing import UrlSigner

ESCAPING_KEYS = ["../etc/passwd", "partners/../../x", "/etc/passwd", "a//b", "a/./b", "a\\..\\b", "", "a/", "a\x00b"]


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_keys_escaping_the_root_are_refused(key, fs_storage):
    with pytest.raises(InvalidKey):
        validate_key(key)
    with pytest.raises(InvalidKey):
        fs_storage.put_bytes(key, b"x")
    with pytest.raises(InvalidKey):
        fs_storage.create_multipart(key, "video/mp4")


def test_server_built_keys_with_multilingual_segments_are_accepted(fs_storage):
    key = "partners/AZTV/programmes/7/masters/Qarabağ-خبر-新闻/source"
    fs_storage.put_bytes(key, "Салам".encode())
    assert fs_storage.head(key).size == len("Салам".encode())


def test_symlink_inside_the_root_cannot_lead_out(fs_storage, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, fs_storage.objects / "partners")
    with pytest.raises(InvalidKey):
        fs_storage.put_bytes("partners/PTV/x", b"x")
    assert not list(outside.iterdir())


def test_signature_covers_method_resource_and_expiry():
    now = [1_000_000.0]
    signer = UrlSigner("secret", clock=lambda: now[0])
    expires = signer.expiry(60)
    signature = signer.sign("PUT", "part/abc/3", expires)
    signer.verify("PUT", "part/abc/3", str(expires), signature)
    for method, resource, when in [("GET", "part/abc/3", expires), ("PUT", "part/abc/4", expires), ("PUT", "part/abc/3", expires + 1)]:
        with pytest.raises(SignatureInvalid):
            signer.verify(method, resource, when, signature)
    with pytest.raises(SignatureInvalid):
        UrlSigner("other", clock=lambda: now[0]).verify("PUT", "part/abc/3", expires, signature)
    with pytest.raises(SignatureInvalid):
        signer.verify("PUT", "part/abc/3", None, signature)
    now[0] += 61
    with pytest.raises(SignatureExpired) as error:
        signer.verify("PUT", "part/abc/3", expires, signature)
    assert error.value.code == "signature_expired"


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("master.mxf", 'attachment; filename="master.mxf"'),
        ("纪录片.mp4", "attachment; filename=\"___.mp4\"; filename*=UTF-8''%E7%BA%AA%E5%BD%95%E7%89%87.mp4"),
        ('a"b/c.srt', "attachment; filename=\"a'b_c.srt\""),
    ],
)
def test_content_disposition_keeps_non_ascii_names(filename, expected):
    assert content_disposition(filename) == expected
