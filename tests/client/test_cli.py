"""The partner CLI against a real HTTP server speaking the upload protocol, on both stores."""

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from client.cli import main
from client.state import ResumeState, StateStore
from storage.errors import NoSuchKey, NoSuchUpload
from storage.parts import MiB, PartPolicy
from tests.storage.parts_http import part_number
from tests.storage.protocol_server import TOKEN

ROOT = Path(__file__).resolve().parents[2]
FS_POLICY = PartPolicy(part_size=64 * 1024, min_part_size=1024)
S3_POLICY = PartPolicy(part_size=5 * MiB)


def _args(server, path, state_dir, *extra):
    return ["upload", str(path), "--programme", "7", "--api", server.url, "--token", TOKEN,
            "--state-dir", str(state_dir), "--quiet", *extra]


def _stored(storage, key) -> bytes:
    with storage.open(key) as stream:
        return stream.read()


def test_upload_with_parallel_parts_and_a_retried_part(fs_storage, protocol_server, make_file, tmp_path, capsys):
    server = protocol_server(fs_storage, FS_POLICY, fail_part_once={2, 5})
    path = make_file(500 * 1024)

    assert main(_args(server, path, tmp_path / "state", "--concurrency", "3")) == 0

    result = json.loads(capsys.readouterr().out)
    assert result["state"] == "completed"
    assert result["asset"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _stored(fs_storage, result["asset"]["key"]) == path.read_bytes()
    assert server.app.part_puts.count(2) == 2 and server.app.part_puts.count(5) == 2  # retried once each
    assert sorted(set(server.app.part_puts)) == list(range(1, 9))
    assert not list((tmp_path / "state").iterdir())  # resume state is dropped once complete


@pytest.mark.parametrize(("storage_fixture", "policy"), [("fs_storage", FS_POLICY), ("s3_storage", S3_POLICY)],
                         ids=["filesystem", "s3"])
def test_killed_upload_resumes_without_resending_received_parts(storage_fixture, policy, request, protocol_server,
                                                                make_file, tmp_path, monkeypatch):
    storage = request.getfixturevalue(storage_fixture)
    # On S3 the parts go straight to the server (part_delay slows the filesystem part view only).
    server = protocol_server(storage, policy, part_delay=0.1)
    path = make_file(24 * policy.part_size)
    process = subprocess.Popen(
        [sys.executable, "-m", "client", *_args(server, path, tmp_path / "state", "--concurrency", "2")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not server.app.uploads or len(_received(storage, server)) < 4:
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.02)
    process.kill()  # a crash: no chance to clean up
    process.wait()
    before = _settled(lambda: _received(storage, server))  # a part in flight may still land
    assert 4 <= len(before) < 24

    server.app.part_delay = 0
    sent: list[str] = []
    put = requests.Session.put
    monkeypatch.setattr(requests.Session, "put", lambda session, url, *a, **k: sent.append(url) or put(session, url, *a, **k))
    assert main(_args(server, path, tmp_path / "state", "--resume")) == 0

    resent = {part_number(url) for url in sent}
    assert len(sent) == len(resent) and not resent & before
    assert resent | before == set(range(1, 25))
    upload = next(iter(server.app.uploads.values()))
    assert upload.state == "completed"
    assert _stored(storage, upload.key) == path.read_bytes()


def test_s3_upload_resumes_after_an_interruption(s3_storage, protocol_server, make_file, tmp_path, capsys):
    server = protocol_server(s3_storage, S3_POLICY)
    path = make_file(11 * MiB)
    data = path.read_bytes()
    upload = _create(server, path)
    # The first session sent part 2 and died; its state file points at the upload.
    first = upload["parts"][1]
    assert requests.put(first["url"], data=data[5 * MiB : 10 * MiB], timeout=30).status_code == 200
    _save_state(server, path, upload, tmp_path / "state")

    assert main(_args(server, path, tmp_path / "state", "--resume")) == 0

    result = json.loads(capsys.readouterr().out)
    assert result["asset"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert _stored(s3_storage, result["asset"]["key"]) == data
    assert s3_storage.client.list_multipart_uploads(Bucket=s3_storage.bucket).get("Uploads", []) == []


def test_s3_changed_part_is_refused_and_nothing_completed(s3_storage, protocol_server, make_file, tmp_path, capsys):
    server = protocol_server(s3_storage, S3_POLICY)
    path = make_file(11 * MiB)
    data = path.read_bytes()
    upload = _create(server, path)
    changed = bytearray(data[:5 * MiB])
    changed[123] ^= 0x01
    for part, body in zip(upload["parts"], (bytes(changed), data[5 * MiB : 10 * MiB], data[10 * MiB :])):
        assert requests.put(part["url"], data=body, timeout=30).status_code == 200
    md5s = [{"number": n, "md5": hashlib.md5(data[(n - 1) * 5 * MiB : n * 5 * MiB]).hexdigest()} for n in (1, 2, 3)]

    response = requests.post(f"{server.url}/api/v1/uploads/{upload['id']}/complete/",
                             json={"parts": md5s}, headers={"Authorization": f"Token {TOKEN}"}, timeout=30)
    assert response.status_code == 400
    assert response.json() == {"code": "checksum_mismatch", "detail": "parts 1 differ from the client's file (MD5 mismatch)"}

    _save_state(server, path, upload, tmp_path / "state")
    assert main(_args(server, path, tmp_path / "state", "--resume")) == 1
    assert "part 1 on the server differs from the local file" in capsys.readouterr().err
    with pytest.raises(NoSuchKey):
        s3_storage.head(server.app.uploads[upload["id"]].key)


def test_expired_urls_are_renewed_by_the_cli(fs_storage, protocol_server, make_file, tmp_path, clock):
    server = protocol_server(fs_storage, FS_POLICY)
    path = make_file(300 * 1024)
    upload = _create(server, path)
    _save_state(server, path, upload, tmp_path / "state")
    # The storage clock jumps past every URL handed out so far; the API's expires_at does not know it.
    clock.offset = 7200
    stale = requests.put(upload["parts"][0]["url"], data=b"x", timeout=10)
    assert (stale.status_code, stale.json()["code"]) == (403, "signature_expired")

    assert main(_args(server, path, tmp_path / "state", "--resume")) == 0
    assert server.app.uploads[upload["id"]].state == "completed"


def test_resume_without_state_and_bad_token_give_clear_errors(fs_storage, protocol_server, make_file, tmp_path, capsys):
    server = protocol_server(fs_storage, FS_POLICY)
    path = make_file(10 * 1024)
    assert main(_args(server, path, tmp_path / "state", "--resume")) == 1
    assert "no interrupted upload" in capsys.readouterr().err
    args = _args(server, path, tmp_path / "state")
    args[args.index(TOKEN)] = "wrong"
    assert main(args) == 1
    assert "not_authenticated" in capsys.readouterr().err


def _create(server, path) -> dict:
    response = requests.post(
        f"{server.url}/api/v1/programmes/7/uploads/",
        json={"filename": path.name, "size": path.stat().st_size, "content_type": "application/mxf"},
        headers={"Authorization": f"Token {TOKEN}"}, timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _save_state(server, path, upload, directory) -> None:
    stat = path.stat()
    StateStore(directory).save(ResumeState(upload["id"], server.url, "7", str(path.resolve()), stat.st_size, stat.st_mtime_ns))


def _settled(read, pause: float = 0.5):
    """``read()`` once two reads ``pause`` seconds apart agree."""
    previous, current = None, read()
    while current != previous:
        time.sleep(pause)
        previous, current = current, read()
    return current


def _received(storage, server) -> set[int]:
    upload = next(iter(server.app.uploads.values()))
    return {part.number for part in storage.list_parts(upload.key, upload.storage_upload_id)}



def test_a_part_refused_for_good_stops_the_reader_and_completes_nothing(fs_storage, protocol_server, make_file, tmp_path,
                                                                       capsys, monkeypatch):
    server = protocol_server(fs_storage, FS_POLICY)
    path = make_file(40 * 64 * 1024)

    def aborted(upload_id, *args, **kwargs):  # as if the cleanup task aborted the upload under the client
        raise NoSuchUpload(f"no upload {upload_id}")

    monkeypatch.setattr(fs_storage, "receive_part", aborted)

    assert main(_args(server, path, tmp_path / "state", "--concurrency", "2")) == 1

    assert "refused: HTTP 404" in capsys.readouterr().err
    # At most the parts already handed to the pool went out: the reader stopped at the failure.
    assert 1 <= len(server.app.part_puts) <= 3
    assert next(iter(server.app.uploads.values())).state == "uploading"
