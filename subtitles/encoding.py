"""Character-encoding detection for subtitle files.

Order of evidence: an explicit override, then a byte-order mark, then strict UTF-8
(legacy CJK/Arabic/Cyrillic bytes almost never form valid UTF-8), then a guess
restricted to the encodings the track's language is written in: the script of the
language (CLDR likely subtags, through langcodes) gives the Windows, ISO 8859 and DOS
code pages of that script (for Latin, the language picks the family: cp1254 for
Turkish, cp1257 for Lithuanian, cp1258 for Vietnamese...). Each candidate's text is
scored for how plausible it is in that script and language (``_most_plausible``);
when another candidate is as plausible, ``Decoded.candidates`` lists them and
ingest adds an ``encoding_uncertain`` finding. Restricting by language is what keeps
a short Chinese file from being "detected" as Latin-1 or cp949, and a Hebrew file
from being read as Greek, although those pages accept the same bytes.
"""
import codecs
import unicodedata
from collections import Counter
from dataclasses import dataclass

import langcodes
from charset_normalizer import from_bytes
from charset_normalizer.cd import characters_popularity_compare
from charset_normalizer.constant import FREQUENCIES

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

# Legacy encodings each script is delivered in, most likely first. CLDR (through
# langcodes) gives the script of the track's language; these are the Windows, ISO 8859
# and DOS code pages that script has. GB18030/Big5 are told apart by ``_best_chinese``.
_LEGACY_BY_SCRIPT = {
    "Hans": ("gb18030", "big5"),
    "Hant": ("big5", "gb18030"),
    "Arab": ("cp1256", "iso8859_6", "cp720"),
    "Cyrl": ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866"),
    "Hebr": ("cp1255", "iso8859_8", "cp862"),
    "Grek": ("cp1253", "iso8859_7", "cp737", "cp869"),
    "Thai": ("cp874", "tis_620", "iso8859_11"),
    "Latn": ("cp1252", "iso8859_15", "iso8859_1"),
}
# Latin is written in several code-page families; the language says which.
_LATIN_FAMILIES = {
    ("cp1250", "iso8859_2"): ("pl", "cs", "sk", "hu", "hr", "sl", "bs", "sr", "sq", "hsb", "dsb"),
    ("cp1250", "iso8859_16", "iso8859_2"): ("ro",),
    ("cp1254", "iso8859_9"): ("tr", "az", "ku"),
    ("cp1257", "iso8859_13", "iso8859_4"): ("lt", "lv", "et", "ltg", "sgs"),
    ("cp1258",): ("vi",),
    ("iso8859_3",): ("mt", "eo"),
}
_LEGACY_BY_LANGUAGE = {language: pages for pages, languages in _LATIN_FAMILIES.items() for language in languages}
_SINGLE_BYTE_SCRIPTS = frozenset({"Arab", "Cyrl", "Hebr", "Grek", "Thai", "Latn"})
# Scripts with upper and lower case: a capital after a small letter in a word is a wrong code page.
_BICAMERAL = frozenset({"Latn", "Grek", "Cyrl"})
# Within this margin of the best score, another candidate that decodes differently
# makes the guess uncertain; below this score the best guess is weak.
_UNCERTAIN_MARGIN = 0.1
_WEAK_SCORE = 0.9
# With fewer non-ASCII characters than this, letter frequencies prove little: another page
# is a rival unless the language's frequent letters clearly favour the best one.
_FEW_CHARACTERS = 20
_SCRIPT_LETTER_PREFIX = {"Hans": "CJK", "Hant": "CJK", "Arab": "ARABIC", "Cyrl": "CYRILLIC", "Latn": "LATIN",
                         "Hebr": "HEBREW", "Grek": "GREEK", "Thai": "THAI"}
_SYMBOLS_IN_TEXT = frozenset("€£¥₪©®°±×÷№™")
# Other punctuation (Unicode "Po") that subtitle text uses; ¶, § and the like come from a wrong page.
_PUNCTUATION_IN_TEXT = frozenset("¡¿·…‰†‡•،؛؟۔׳״๚๛")
_LATIN_PROFILES = frozenset({"English", "German", "French", "Dutch", "Italian", "Polish", "Spanish", "Portuguese",
                             "Swedish", "Norwegian", "Finnish", "Vietnamese", "Czech", "Hungarian", "Indonesian",
                             "Turkish", "Romanian", "Danish", "Lithuanian", "Slovene", "Slovak", "Croatian",
                             "Estonian"})


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    # When the guess is weak: the encodings that were as plausible (best first).
    candidates: tuple[str, ...] = ()


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
        if script in ("Hans", "Hant"):
            decoded = _best_chinese(raw, list(candidates), script)
        else:
            decoded = _most_plausible(raw, list(candidates), script or "Latn", language)
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


def _most_plausible(raw: bytes, candidates: list[str], script: str, language: str | None = None) -> Decoded | None:
    """Decode with each code page of the script and keep the text most plausible for
    it: fewest implausible characters (``implausible``), then letter frequencies
    closest to the language's (charset-normalizer's profiles), then the page the
    language is most often delivered in. Single-byte pages accept almost any bytes,
    so when another page decodes the file differently and no worse, or the best text
    is itself doubtful, ``candidates`` lists them and the caller reports it."""
    profile = _frequency_profile(language)
    scored = []
    for rank, codec in enumerate(candidates):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1258":
            text = unicodedata.normalize("NFC", text)  # cp1258 writes most tones as combining marks
        bad, considered = implausible(text, script)
        common = -_common_letters(text, profile)
        scored.append((bad, common, -_popularity(text, profile), rank, considered, _label(codec), text))
    if not scored:
        return None
    scored.sort()
    bad, common, popularity, _, considered, codec, text = scored[0]
    if script != "Latn" and not _mostly_in_script(text, script):
        return None
    score = 1.0 if not considered else 1 - bad / considered
    rivals = [name for other_bad, other_common, other_popularity, _, _, name, other_text in scored[1:]
              if other_text != text and other_bad == bad
              and (considered < _FEW_CHARACTERS and -other_common * 2 >= -common
                   or (other_common == common and other_popularity - popularity < _UNCERTAIN_MARGIN))]
    if rivals or score < _WEAK_SCORE:
        return Decoded(text, codec, round(score / (2 if rivals else 1), 3), (codec, *rivals))
    return Decoded(text, codec, round(score, 3))


def _frequency_profile(language: str | None) -> str | None:
    if not language:
        return None
    try:
        name = langcodes.Language.get(language).language_name("en")
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return None
    return {"Persian": "Farsi", "Slovenian": "Slovene"}.get(name, name) if name in FREQUENCIES or name in (
        "Persian", "Slovenian") else None


def _common_letters(text: str, profile: str | None) -> int:
    """Non-ASCII letters of the text among the language's most frequent letters: ž and
    ė for Lithuanian, ı and ş for Turkish; a wrong page turns them into other letters."""
    if profile is None:
        return 0
    frequent = set(FREQUENCIES[profile])
    return sum(1 for ch in text if not ch.isascii() and ch.lower() in frequent)


def _popularity(text: str, profile: str | None) -> float:
    """How well the text's letter frequencies match the language (0 to 1)."""
    if profile is None:
        return 0.0
    ordered = [ch for ch, _ in Counter(ch.lower() for ch in text if ch.isalpha() and not ch.isascii()
                                       or profile in _LATIN_PROFILES and ch.isalpha()).most_common()]
    return characters_popularity_compare(profile, ordered) if ordered else 0.0


def implausible(text: str, script: str) -> tuple[float, int]:
    """(implausible characters, non-ASCII characters) of ``text`` read as ``script``:
    a non-ASCII character is plausible when it is a letter (or a mark on a letter) of
    the script, usual punctuation, or a usual symbol; a penalty too for a capital letter after a small one inside a word (KOI8-R read
    as cp1251 gives "дПВТЩК"), for control and unassigned characters, and for closing
    punctuation glued to the front of a word ("’λλη" for "Άλλη")."""
    prefix = _SCRIPT_LETTER_PREFIX.get(script, "")
    considered = bad = 0.0
    previous = " "
    for position, ch in enumerate(text):
        if ch.isascii():
            if script in _BICAMERAL and ch.isupper() and previous.isalpha() and previous.islower() \
                    and not previous.isascii():
                bad += 1
            previous = ch
            continue
        considered += 1
        category = unicodedata.category(ch)
        name = unicodedata.name(ch, "")
        if category in ("Cc", "Co", "Cn", "Cs"):
            bad += 1
        elif category.startswith("L"):
            if not name.startswith(prefix):
                bad += 1
            elif script in _BICAMERAL and ch.isupper() and previous.isalpha() and previous.islower():
                bad += 1
        elif category.startswith("M"):
            if not (previous.isalpha() or unicodedata.category(previous).startswith("M")):
                bad += 1
        elif category.startswith("S") and ch not in _SYMBOLS_IN_TEXT:
            bad += 1
        elif category == "Po" and ch not in _PUNCTUATION_IN_TEXT:
            bad += 1
        elif category == "Pf" and not previous.isalpha() and text[position + 1:position + 2].isalpha():
            bad += 1
        previous = ch
    return bad, int(considered)


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
