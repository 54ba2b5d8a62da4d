"""Storage keys come from the server: a client's file name is one sanitised segment, never a path."""

import uuid

import pytest

from backend.media.keys import MAX_NAME_LENGTH, safe_filename
from storage import validate_key


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("纪录片 master.mxf", "纪录片_master.mxf"),
        ("طريق الحرير.mov", "طريق_الحرير.mov"),
        ("شاہراہ قراقرم.mxf", "شاہراہ_قراقرم.mxf"),  # ہ and ا stay: Urdu letters are word characters
        ("Bakı gecələri.mp4", "Bakı_gecələri.mp4"),
        ("Ночи Баку.mxf", "Ночи_Баку.mxf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\masters\\film.mxf", "film.mxf"),
        ("..", "source"),
        (".hidden", "hidden"),
        ("a\x00b\nc.mxf", "a_b_c.mxf"),
        ("s\u0327ose.mxf", "şose.mxf"),  # NFC: one letter, not s + combining cedilla
        ("مُسْتَنَد.mxf", "مُسْتَنَد.mxf"),  # harakat are kept
        ("می\u200cخواهم.mxf", "می\u200cخواهم.mxf"),  # the zero-width non-joiner is spelling
        ("film\u202egpj.exe", "film_gpj.exe"),  # a right-to-left override is not
    ],
)
def test_file_names_become_one_safe_segment(filename, expected):
    assert safe_filename(filename) == expected


def test_long_names_are_cut_but_keep_their_extension():
    name = safe_filename("纪" * 300 + ".mxf")
    assert len(name) <= MAX_NAME_LENGTH and name.endswith(".mxf")


@pytest.mark.parametrize("filename", ["../x", "a/../../b", "\\\\server\\share", "x" * 1000, "...", "a//b"])
def test_keys_made_from_hostile_names_are_valid_keys(filename):
    key = f"partners/PTV/programmes/{uuid.uuid4()}/sources/{uuid.uuid4()}/{safe_filename(filename)}"
    assert validate_key(key) == key
