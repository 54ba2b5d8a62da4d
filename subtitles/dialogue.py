"""Dialogue script for dubbing: one CSV row a cue with frame-accurate timecodes."""
import csv
import io
from fractions import Fraction

from .model import SubtitleTrack
from .timecode import ms_to_timecode, parse_frame_rate

HEADER = ("cue", "timecode_in", "timecode_out", "text")


def dialogue_csv(track: SubtitleTrack, frame_rate: "Fraction | float | str", drop_frame: bool | None = None) -> str:
    """CSV (RFC 4180, UTF-8): cue number, HH:MM:SS:FF in and out (HH:MM:SS;FF
    drop-frame, the default at 29.97/59.94), text with its line breaks."""
    rate = parse_frame_rate(frame_rate)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, cue in enumerate(track.cues, 1):
        writer.writerow((number, ms_to_timecode(cue.start_ms, rate, drop_frame),
                         ms_to_timecode(cue.end_ms, rate, drop_frame), cue.text))
    return out.getvalue()
