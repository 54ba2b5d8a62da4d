"""Settings-shaped configuration for the ladder, codecs, presets and QC thresholds.

Everything is a plain frozen dataclass so Django settings (or a test) can build it
from dicts: ``TranscodeConfig(rungs=tuple(Rung(**r) for r in settings.MEDIA_LADDER))``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rung:
    """One ABR rung; ``size`` is the short side so portrait sources get the same ladder."""

    name: str
    size: int
    video_kbps: int
    max_kbps: int | None = None
    buffer_kbps: int | None = None

    @property
    def maxrate(self) -> int:
        return self.max_kbps or round(self.video_kbps * 1.1)

    @property
    def bufsize(self) -> int:
        return self.buffer_kbps or self.video_kbps * 2


DEFAULT_RUNGS: tuple[Rung, ...] = (
    Rung("1080p", 1080, 5000),
    Rung("720p", 720, 2800),
    Rung("480p", 480, 1200),
)


@dataclass(frozen=True)
class ProxySpec:
    """The single-file MP4 preview proxy (browser preview, partners' screening copy)."""

    size: int = 360
    video_kbps: int = 700
    audio_kbps: int = 96
    preset: str = "veryfast"


@dataclass(frozen=True)
class QcThresholds:
    black_min_seconds: float = 1.0
    black_pixel_threshold: float = 0.10
    black_picture_ratio: float = 0.98
    freeze_noise_db: float = -60.0
    freeze_min_seconds: float = 2.0
    silence_noise_db: float = -60.0
    silence_min_seconds: float = 2.0


@dataclass(frozen=True)
class TranscodeConfig:
    rungs: tuple[Rung, ...] = DEFAULT_RUNGS
    video_codec: str = "libx264"
    x264_preset: str = "veryfast"
    h264_profile: str = "high"
    pix_fmt: str = "yuv420p"
    keyframe_seconds: float = 2.0
    segment_seconds: float = 4.0
    hls_segment_type: str = "fmp4"
    audio_codec: str = "aac"
    audio_kbps: int = 128
    audio_sample_rate: int = 48000
    max_audio_channels: int = 2
    # bwdif keeps more vertical detail than yadif; send_frame keeps 25i -> 25p.
    deinterlace_filter: str = "bwdif"
    deinterlace_options: tuple[tuple[str, str], ...] = (
        ("mode", "send_frame"), ("parity", "auto"), ("deint", "all"),
    )
    proxy: ProxySpec = field(default_factory=ProxySpec)
    qc: QcThresholds = field(default_factory=QcThresholds)
    # x264 threads per encoder; 0 lets x264 decide (it sizes for the whole machine).
    threads: int = 0
    # Constant quantiser for the ladder's rungs instead of their bitrates (0 = lossless, with
    # h264_profile "high444"): for analysis, e.g. checking chunk boundaries frame by frame.
    video_qp: int | None = None
