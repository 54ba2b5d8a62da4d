"""The pipeline for one source, in process, with real ffmpeg on generated media."""

from pathlib import Path

import pytest

from backend.audit.models import AuditEvent
from backend.media import pipeline
from backend.media.models import Asset
from backend.storage import get_storage
from tests.backend.media.conftest import SECRET, ffmpeg, ffprobe_json, store_source

pytestmark = pytest.mark.usefixtures("fast_media")


def test_a_source_becomes_ready_with_ladder_proxy_pictures_and_qc(documentary, urdu_clip):
    source = store_source(documentary, urdu_clip)
    assert pipeline.process(source.pk) == Asset.State.READY

    source.refresh_from_db()
    assert (source.state, source.progress, source.state_reason) == ("ready", 100, "")
    assert source.technical["duration"] == pytest.approx(3.0, abs=0.05)
    assert source.technical["frame_rate"] == "25"
    assert "filename" not in source.technical["raw"]["format"]  # no worker paths for partners

    derived = {asset.kind: asset for asset in source.derivatives.all()}
    assert set(derived) >= {"hls", "rendition", "proxy", "poster", "thumbnail"}
    renditions = source.derivatives.filter(kind=Asset.Kind.RENDITION)
    heights = sorted(r.technical["height"] for r in renditions if r.technical["height"])
    assert heights == [240, 360]
    assert "ur" in {r.language for r in renditions}

    storage = get_storage()
    master = storage.local_path(derived["hls"].storage_key).read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2 and 'LANGUAGE="ur"' in master
    proxy = ffprobe_json(str(storage.local_path(derived["proxy"].storage_key)), "-show_streams")
    assert {s["codec_type"] for s in proxy["streams"]} == {"video", "audio"}

    report = source.qc_report
    loudness = next(c for c in report["checks"] if c["id"] == "audio.track0.integrated_loudness")
    assert loudness["measured"] == pytest.approx(-23, abs=0.5)
    black = report["measurements"]["black"]
    assert black and black[0]["start"] == pytest.approx(0, abs=0.1) and black[0]["end"] == pytest.approx(1, abs=0.15)
    assert {"photosensitive_epilepsy", "as11_conformance"} <= {
        c["id"] for c in report["checks"] if c["status"] == "not_checked"}


def test_processing_again_replaces_the_outputs(documentary, urdu_clip):
    source = store_source(documentary, urdu_clip)
    pipeline.process(source.pk)
    first = set(source.derivatives.values_list("storage_key", flat=True))
    Asset.objects.filter(pk=source.pk).update(state=Asset.State.UPLOADED)
    assert pipeline.process(source.pk) == Asset.State.READY
    assert set(source.derivatives.values_list("storage_key", flat=True)) == first


@pytest.mark.parametrize("name, content, reason", [
    ("notes.mp4", "This is a text file, not a video.\n".encode() * 50, "not"),
    ("empty.mp4", b"", ""),
    # Bytes ffmpeg opens but cannot read name the file in ffprobe's error line.
    ("broken.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096, ""),
])
def test_files_that_are_not_media_fail_with_a_reason(documentary, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    source = store_source(documentary, path)
    assert pipeline.process(source.pk) == Asset.State.FAILED
    source.refresh_from_db()
    assert source.state == "failed" and len(source.state_reason) > 10
    # The reason names the problem for the partner, never a path on the worker or the store.
    assert "/" not in source.state_reason and str(tmp_path) not in source.state_reason
    assert not source.derivatives.exists()
    assert AuditEvent.objects.filter(action="asset.failed", object_id=str(source.pk)).exists()


def test_a_truncated_video_fails_and_other_work_is_untouched(documentary, urdu_clip, tmp_path):
    healthy = store_source(documentary, urdu_clip)
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(urdu_clip.read_bytes()[: urdu_clip.stat().st_size // 3])
    broken = store_source(documentary, truncated)
    assert pipeline.process(broken.pk) == Asset.State.FAILED
    assert pipeline.process(healthy.pk) == Asset.State.READY


def test_a_playlist_named_mp4_is_refused_and_never_followed(documentary, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    playlist = tmp_path / "master.mp4"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{secret}\n{secret}\n#EXT-X-ENDLIST\n")
    source = store_source(documentary, playlist)
    assert pipeline.process(source.pk) == Asset.State.FAILED
    source.refresh_from_db()
    assert "playlist" in source.state_reason.lower()
    stored = Path(get_storage().local_path(source.storage_key)).parent.parent.parent
    for path in stored.rglob("*"):
        if path.is_file() and path.name != "master.mp4":
            assert SECRET.encode() not in path.read_bytes()
    assert SECRET not in source.state_reason and SECRET not in str(source.technical)


def test_a_cancelled_source_is_not_processed(documentary, urdu_clip):
    source = store_source(documentary, urdu_clip)
    Asset.objects.filter(pk=source.pk).update(state=Asset.State.CANCELLED)
    assert pipeline.process(source.pk) == Asset.State.CANCELLED
    assert not source.derivatives.exists()


def test_audio_only_and_video_only_sources(documentary, tmp_path):
    audio = tmp_path / "radio.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=2", "-c:a", "aac", "-metadata:s:a:0", "language=ara", str(audio))
    silent = tmp_path / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast", str(silent))
    for path, kinds in ((audio, {"hls", "rendition", "proxy"}), (silent, {"hls", "rendition", "proxy", "poster"})):
        source = store_source(documentary, path)
        assert pipeline.process(source.pk) == Asset.State.READY, Asset.objects.get(pk=source.pk).state_reason
        assert kinds <= set(source.derivatives.values_list("kind", flat=True))


def test_the_owners_systems_hear_that_the_asset_is_ready(ptv, documentary, urdu_clip, settings):
    from backend.webhooks.models import WebhookDelivery

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    registered = ptv.client().post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hooks"}, format="json")
    assert registered.status_code == 201, registered.json()
    source = store_source(documentary, urdu_clip)
    pipeline.process(source.pk)
    delivery = WebhookDelivery.objects.get(event="asset.ready")
    assert delivery.payload["asset"] == str(source.pk) and delivery.payload["qc_status"] in ("pass", "fail")
