"""Character-encoding detection for subtitle files.

Order of evidence: an explicit override, then a byte-order mark, then strict UTF-8
(legacy CJK/Arabic/Cyrillic bytes almost never form valid UTF-8), then a statistical
guess by charset-normalizer restricted to the encodings the track's language is
written in. Restricting by language is what keeps a short Chinese file from being
"detected" as Latin-1 or cp949, which accept the same bytes.
"""
import codecs
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .errors import SubtitleEncodingError
from .scripts import script_of

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Detectors report the subset a sample happened to fit; GB18030 is the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "euc_cn": "gb18030", "hz": "gb18030"}

# Legacy encodings each script is delivered in, most likely first.
_LEGACY_BY_SCRIPT = {
    "Hans": ("gb18030", "big5"),
    "Hant": ("big5", "gb18030"),
    "Arab": ("cp1256",),
    "Cyrl": ("cp1251", "koi8_r"),
    "Latn": ("cp1252", "cp1254", "cp1250", "iso8859_15"),
}
_LEGACY_BY_LANGUAGE = {"az": ("cp1254",), "tr": ("cp1254",)}
_SCRIPT_LETTER_PREFIX = {"Hans": "CJK", "Hant": "CJK", "Arab": "ARABIC", "Cyrl": "CYRILLIC", "Latn": "LATIN"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float


def canonical_encoding(name: str) -> str:
    """Python codec name for ``name``, with GB2312/GBK widened to GB18030."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise SubtitleEncodingError(f"unknown encoding {name!r}") from None
    return _SUPERSETS.get(codec.replace("-", "_"), codec)


def decode_subtitle(raw: bytes, declared_encoding: str | None = None, language: str | None = None) -> Decoded:
    """Decode ``raw`` to text; ``language`` (BCP 47) narrows the guess when bytes are ambiguous."""
    if declared_encoding:
        return _decode_declared(raw, canonical_encoding(declared_encoding))
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return Decoded(_strict(raw, codec), _label(codec), 1.0)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    return _guess_legacy(raw, language)


def _decode_declared(raw: bytes, codec: str) -> Decoded:
    if codec in ("utf_8", "utf-8"):
        codec = "utf-8-sig"
    elif not codec.startswith("utf") and not raw.isascii() and _is_utf8(raw):
        # Mojibake would decode "successfully"; valid UTF-8 with non-ASCII bytes is
        # never a real cp1256/gb18030/... file, so the override is wrong.
        raise SubtitleEncodingError(f"declared encoding {codec} but the file is valid UTF-8")
    return Decoded(_strict(raw, codec), _label(codec), 1.0)


def _guess_legacy(raw: bytes, language: str | None) -> Decoded:
    script = script_of(language) if language else None
    primary = (language or "").split("-")[0].lower()
    candidates = _LEGACY_BY_LANGUAGE.get(primary) if script == "Latn" else None
    candidates = candidates or _LEGACY_BY_SCRIPT.get(script or "")
    if candidates:
        chooser = _best_chinese if script in ("Hans", "Hant") else _best_of
        decoded = chooser(raw, list(candidates), script)
        if decoded is not None:
            return decoded
    decoded = _best_of(raw, None, None)
    if decoded is None:
        raise SubtitleEncodingError("cannot determine the character encoding; pass the encoding explicitly")
    if script in _SCRIPT_LETTER_PREFIX and script != "Latn":
        # A Latin codepage "fits" almost any bytes; for a Chinese, Arabic or Russian
        # track that is a wrong guess, and silently mangled text is worse than an error.
        raise SubtitleEncodingError(
            f"the file does not decode as {', '.join(candidates or ())} for language {language!r} "
            f"(best guess {decoded.encoding}); pass the encoding explicitly"
        )
    return decoded


def _best_of(raw: bytes, isolation: list[str] | None, script: str | None) -> Decoded | None:
    order = [canonical_encoding(name) for name in isolation or ()]
    rank = {name: i for i, name in enumerate(order)}

    def preferred(match) -> tuple[int, str]:
        # Short files often fit several encodings equally well (charset-normalizer
        # lists them as could_be_from_charset): the one the language is most often
        # delivered in wins.
        names = [canonical_encoding(n) for n in [match.encoding, *match.could_be_from_charset]]
        return min((rank.get(n, len(order)), n) for n in names)

    matches = sorted(from_bytes(raw, cp_isolation=isolation), key=lambda m: (round(m.chaos, 2), preferred(m)[0]))
    for match in matches:
        codec = preferred(match)[1]
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if script is None or _mostly_in_script(text, script):
            return Decoded(text, _label(codec), round(max(0.0, 1.0 - match.chaos), 3))
    return None


def _best_chinese(raw: bytes, candidates: list[str], _script: str) -> Decoded | None:
    """GB18030 and Big5 accept each other's bytes, and charset-normalizer gives up on
    files of a few characters. What separates them: decoded with the right table, a
    Chinese text is made of each standard's common characters (GB2312 level 1, Big5
    level 1) and punctuation; with the wrong table it turns into rare ideographs,
    kana, bopomofo and symbols."""
    scored = []
    for rank, codec in enumerate(candidates):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((_commonness(text, codec), -rank, codec, text))
    if not scored:
        return None
    score, _, codec, text = max(scored)
    return Decoded(text, _label(codec), round(score, 3)) if score >= 0.5 else None


def _commonness(text: str, codec: str) -> float:
    chars = [ch for ch in text if not ch.isascii()]
    if not chars:
        return 1.0
    return sum(1 for ch in chars if _is_common(ch.encode(codec), codec)) / len(chars)


def _is_common(encoded: bytes, codec: str) -> bool:
    if len(encoded) != 2:
        return False
    lead, trail = encoded
    if codec == "gb18030":
        # A1/A3: punctuation and full-width forms; B0-D7: GB2312 level-1 hanzi.
        return trail >= 0xA1 and (lead in (0xA1, 0xA3) or 0xB0 <= lead <= 0xD7)
    word = lead << 8 | trail
    # A140-A1FE: punctuation; A440-C67E: Big5 level-1 hanzi.
    return 0xA140 <= word <= 0xA1FE or 0xA440 <= word <= 0xC67E


def _mostly_in_script(text: str, script: str) -> bool:
    prefix = _SCRIPT_LETTER_PREFIX[script]
    letters = [ch for ch in text if ch.isalpha()]
    in_script = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefix))
    return bool(letters) and in_script * 2 >= len(letters)


def _strict(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SubtitleEncodingError(
            f"bytes {raw[exc.start:exc.end].hex(' ')} are not valid {_label(codec)}", line_number=line
        ) from None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _label(codec: str) -> str:
    return "utf-8" if codec in ("utf-8-sig", "utf_8") else codecs.lookup(codec).name
