"""The partner CLI against the real API server: end to end on both stores, and resume after Ctrl-C."""

import json
import time

import pytest
import requests

from backend.audit.models import AuditEvent
from backend.media import signals
from backend.media.models import Asset, Upload
from backend.storage import get_storage
from client import cli
from tests.storage.parts_http import part_number
from tests.workers.worker import WorkerProcess
from workers.tasks import media as tasks

from .conftest import MiB, sha256_of

pytestmark = pytest.mark.slow


def run_cli(api, path, programme, tmp_path, capsys, *extra: str) -> tuple[int, dict | None]:
    code = cli.main(["upload", str(path), "--programme", str(programme.pk), "--api", api.base_url, "--token", api.token,
                     "--state-dir", str(tmp_path / "state"), "--quiet", "--concurrency", "3", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out) if code == 0 else None


@pytest.fixture
def announced():
    """Asset ids sent with ``asset_uploaded`` (the pipeline's hook)."""
    received = []

    def receiver(sender, asset_id, **kwargs):
        received.append(str(asset_id))

    signals.asset_uploaded.connect(receiver)
    yield received
    signals.asset_uploaded.disconnect(receiver)


def test_cli_uploads_a_master_in_parts_to_the_filesystem_store(fs_store, editor, programme, make_file, tmp_path,
                                                               capsys, announced):
    path = make_file(3 * MiB + 12345, name="纪录片 «丝路» master.mxf")
    code, result = run_cli(editor, path, programme, tmp_path, capsys)
    assert code == 0
    assert result["state"] == "completed" and result["part_count"] == 4
    asset = result["asset"]
    assert asset["kind"] == "source" and asset["state"] == "uploaded"
    assert asset["size"] == path.stat().st_size
    assert asset["sha256"] == sha256_of(path) and asset["sha256_verified"] is True
    assert asset["original_filename"] == path.name
    stored = Asset.objects.get(pk=asset["id"])
    upload = Upload.objects.get(pk=result["id"])
    assert stored.storage_key == f"partners/PTV/programmes/{programme.pk}/sources/{upload.pk}/纪录片_丝路_master.mxf"
    assert announced == [asset["id"]]
    assert AuditEvent.objects.filter(action="upload.completed", object_id=str(upload.pk)).exists()

    # The owner fetches it back through the signed download URL on the API.
    assert editor("GET", f"/api/v1/programmes/{programme.pk}/assets/").json()["results"][0]["id"] == asset["id"]
    link = editor("GET", f"/api/v1/assets/{asset['id']}/download/").json()
    response = requests.get(link["url"], timeout=30)
    assert response.status_code == 200
    assert response.content == path.read_bytes()
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    tampered = requests.get(link["url"].replace("master.mxf", "other.mxf"), timeout=30)
    assert tampered.status_code == 403 and tampered.json()["code"] == "signature_invalid"


@pytest.mark.parametrize("store", ["fs_store", "s3_store"])
def test_an_upload_stopped_by_ctrl_c_resumes_with_only_the_missing_parts(store, request, settings, editor, programme,
                                                                          make_file, tmp_path, capsys, monkeypatch):
    request.getfixturevalue(store)
    path = make_file(5 * settings.UPLOAD_PART_SIZE + 1, name="Bakı gecələri.mov")
    original_put = requests.Session.put
    sent = []

    def put_then_interrupt(session, url, *args, **kwargs):
        if len(sent) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the third part is on its way
        sent.append(url)
        return original_put(session, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "put", put_then_interrupt)
    code, _ = run_cli(editor, path, programme, tmp_path, capsys, "--concurrency", "1")
    assert code == 130
    upload = Upload.objects.get()
    assert upload.state == "uploading"
    status = editor("GET", f"/api/v1/uploads/{upload.pk}/").json()
    assert [part["number"] for part in status["received"]] == [1, 2]
    assert [part["number"] for part in status["parts"]] == [3, 4, 5, 6]

    sent.clear()
    monkeypatch.setattr(requests.Session, "put", lambda session, url, *a, **k: sent.append(url) or original_put(session, url, *a, **k))
    code, result = run_cli(editor, path, programme, tmp_path, capsys, "--resume")
    assert code == 0
    assert sorted(map(part_number, sent)) == [3, 4, 5, 6]
    assert result["id"] == str(upload.pk) and result["asset"]["sha256"] == sha256_of(path)
    assert result["asset"]["sha256_verified"] is (store == "fs_store")  # S3's waits for the worker
    assert get_storage().head(Upload.objects.get().storage_key).size == path.stat().st_size


def test_cli_uploads_to_s3_and_a_worker_task_verifies_the_sha256(s3_store, editor, programme, make_file, tmp_path,
                                                                  capsys, announced):
    path = make_file(11 * MiB, name="وثائقي-طريق-الحرير.mxf")
    code, result = run_cli(editor, path, programme, tmp_path, capsys)
    assert code == 0
    assert result["part_count"] == 3
    asset = result["asset"]
    # S3 cannot hash a multipart object whole: the declared SHA-256 waits for a worker to verify it.
    assert asset["state"] == "uploaded" and asset["sha256_verified"] is False
    assert asset["sha256"] == sha256_of(path)
    assert announced == []
    stored = Asset.objects.get(pk=asset["id"])
    assert get_storage().head(stored.storage_key).size == path.stat().st_size

    assert tasks.verify_source_checksum.apply(args=[asset["id"]]).get() == "verified"
    assert editor("GET", f"/api/v1/assets/{asset['id']}/").json()["sha256_verified"] is True
    assert announced == [asset["id"]]
    assert tasks.verify_source_checksum.apply(args=[asset["id"]]).get() == "skipped"  # a redelivered job is a no-op


def test_a_real_worker_verifies_an_s3_upload_enqueued_on_completion(s3_store, settings, editor, programme, make_file,
                                                                     tmp_path, capsys, monkeypatch):
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        path = make_file(6 * MiB, name="Ночи Баку.mxf")
        code, result = run_cli(editor, path, programme, tmp_path, capsys)
        assert code == 0
        asset = Asset.objects.get(pk=result["asset"]["id"])
        deadline = time.monotonic() + 60
        while not asset.sha256_verified and time.monotonic() < deadline:
            time.sleep(0.2)
            asset.refresh_from_db()
        assert asset.sha256_verified and asset.sha256 == sha256_of(path)
    finally:
        worker.stop()
