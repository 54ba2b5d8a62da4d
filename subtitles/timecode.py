"""Frame rates and SMPTE timecodes (HH:MM:SS:FF, drop-frame HH:MM:SS;FF)."""
from fractions import Fraction

# Broadcast shorthand for the NTSC-family rates; "23.976" is really 24000/1001.
_NTSC = {"23.976": Fraction(24000, 1001), "23.98": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
         "47.952": Fraction(48000, 1001), "59.94": Fraction(60000, 1001)}


# Film and television are timed at 23.976 to 120 frames per second; outside this range a
# rate is a typing mistake (and a huge one would overflow float arithmetic below).
MIN_FRAME_RATE, MAX_FRAME_RATE = 1, 300


def parse_frame_rate(value: "str | float | int | Fraction") -> Fraction:
    """``"25"``, ``29.97``, ``"30000/1001"`` → exact Fraction; ValueError for anything else
    (``"1/0"`` included) or outside MIN_FRAME_RATE..MAX_FRAME_RATE."""
    text = str(value).strip()
    if text in _NTSC:
        return _NTSC[text]
    try:
        rate = Fraction(text)
    except ZeroDivisionError:
        raise ValueError(f"frame rate {value!r} divides by zero") from None
    if not MIN_FRAME_RATE <= rate <= MAX_FRAME_RATE:
        raise ValueError(f"frame rate must be between {MIN_FRAME_RATE} and {MAX_FRAME_RATE} per second, got {value!r}")
    rate = rate.limit_denominator(1001)
    for ntsc in _NTSC.values():
        if abs(float(rate) - float(ntsc)) < 0.005:
            return ntsc
    return rate


def is_drop_frame_rate(rate: Fraction) -> bool:
    """Drop-frame timecode exists for 29.97 and 59.94 only."""
    return rate.denominator == 1001 and rate.numerator in (30000, 60000)


def ms_to_frames(ms: int, rate: Fraction) -> int:
    """Nearest frame at ``rate``; half a frame rounds up so cue-in never lands early."""
    return int(Fraction(ms, 1000) * rate + Fraction(1, 2))


def frames_to_timecode(frames: int, rate: Fraction, drop_frame: bool) -> str:
    nominal = round(rate)
    if drop_frame:
        frames = _drop_frame_label(frames, nominal)
    ff = frames % nominal
    seconds = frames // nominal
    sep = ";" if drop_frame else ":"
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}{ff:02d}"


def ms_to_timecode(ms: int, rate: Fraction, drop_frame: bool | None = None) -> str:
    """Timecode of the frame nearest ``ms``; drop-frame by default at 29.97/59.94."""
    if drop_frame is None:
        drop_frame = is_drop_frame_rate(rate)
    if drop_frame and not is_drop_frame_rate(rate):
        raise ValueError(f"drop-frame timecode does not exist at {rate} fps")
    return frames_to_timecode(ms_to_frames(ms, rate), rate, drop_frame)


def _drop_frame_label(frames: int, nominal: int) -> int:
    """Frame count → the frame number the DF label shows: labels ;00 and ;01 (;00-;03
    at 59.94) are skipped each minute except every tenth (SMPTE 12M)."""
    drop = nominal // 15
    per_minute = nominal * 60 - drop
    per_ten_minutes = per_minute * 10 + drop
    tens, rest = divmod(frames, per_ten_minutes)
    skipped = drop * 9 * tens
    if rest > drop:
        skipped += drop * ((rest - drop) // per_minute)
    return frames + skipped
