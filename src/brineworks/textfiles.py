"""Reading the text files a user names: one rule for encodings, sizes and binary data.

UTF-8 (with or without a byte-order mark) and UTF-16/UTF-32 with one are read without being
named; any other encoding (Latin-1, cp1252, GBK: what Excel writes in Europe and China) must be
named, else the error says how; binary files are refused. Used by the brine, CSV and scenario
readers alike (it depends on nothing of Brineworks but its errors).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from brineworks.errors import InputError

__all__ = [
    "BOMS",
    "MAX_TEXT_FILE_BYTES",
    "SAVE_AS_HINT",
    "decode_text",
    "encoding_of",
    "file_argument",
    "read_text",
    "undecodable_error",
]

MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024
"""Largest brine or scenario file read whole. [bytes] (A CSV is streamed and has no limit.)"""

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAVE_AS_HINT = "in Excel, save as 'CSV UTF-8'; or name the encoding (--encoding latin-1)"


# ---------------------------------------------------------------------- text files
def file_argument(path: object, what: str) -> Path:
    """A path the user named, checked to be a readable regular file."""
    if isinstance(path, Path):
        p = path
    elif isinstance(path, str):
        if not path.strip():
            raise InputError(what, path, "a file name")
        p = Path(path)
    else:
        raise InputError(what, path, "a file name (text or pathlib.Path)")
    if p.is_dir():
        raise InputError(what, str(p), "a file, not a folder")
    if not p.exists():
        raise InputError(what, str(p), "a readable file (No such file or directory)")
    if not p.is_file():
        raise InputError(what, str(p), "a regular file (not a device, pipe or socket)")
    return p


def encoding_of(head: bytes) -> str:
    """The codec of a file from its first bytes, for the encodings read without being named:
    UTF-8 (byte-order mark optional), UTF-16/32 with a byte-order mark (each codec drops its
    own mark)."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec
    return "utf-8"


def undecodable_error(
    data: bytes, exc: UnicodeDecodeError, what: str, name: str, lines_before: int = 0
) -> InputError:
    sample = data[: max(exc.start, 0)]
    line = lines_before + sample.count(b"\n") + 1
    control = sum(1 for b in data[:4096] if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    if b"\x00" in data[:4096] or control > 0.02 * min(len(data), 4096):
        return InputError(what, name, "a text file (this one holds binary data)")
    byte = data[exc.start] if exc.start < len(data) else 0
    return InputError(
        what,
        name,
        f"UTF-8 text (byte 0x{byte:02X} on line {line} is not UTF-8: the file is in an 8-bit "
        f"encoding such as Latin-1/Windows-1252 or GBK; {SAVE_AS_HINT})",
    )


def decode_text(data: bytes, what: str, name: str, encoding: str | None = None) -> str:
    """Text of a file's bytes, or an error naming the problem.

    UTF-8 (with or without a byte-order mark) and UTF-16/UTF-32 with a byte-order mark are
    read without being named; any other encoding must be named (``encoding``); binary data
    (NUL bytes, control characters) is refused.

    Raises
    ------
    InputError
        For binary data, or text that is not in the encoding found or named.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                "encoding", encoding, "an encoding Python knows, e.g. latin-1"
            ) from None
        codec = encoding
    else:
        codec = encoding_of(data[:4])
    if codec == "utf-8" and b"\x00" in data[:4096]:
        raise InputError(what, name, "a text file (this one holds binary data, or UTF-16 "
                         "without a byte-order mark)")  # fmt: skip
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if encoding is not None:
            raise InputError(what, name, f"text in {encoding} ({exc.reason} at byte "
                             f"{exc.start})") from None  # fmt: skip
        if codec != "utf-8":
            raise InputError(what, name, f"valid {codec.upper()} text ({exc.reason})") from None
        raise undecodable_error(data, exc, what, name) from None
    text = text.removeprefix("\ufeff")
    bad = sum(1 for ch in text[:4096] if ord(ch) < 0x20 and ch not in "\t\n\r\f")
    if "\x00" in text or (bad >= 8 and bad > 0.02 * max(len(text[:4096]), 1)):
        raise InputError(what, name, "a text file (this one holds binary data)")
    return text


def read_text(
    path: object, what: str = "file", *, encoding: str | None = None, limit: int | None = None
) -> str:
    """Read a whole text file the user named (see :func:`decode_text` for the encodings).

    Parameters
    ----------
    path
        The file (text or :class:`~pathlib.Path`).
    what
        What the file is, for error messages (``"brine file"``, ``"SCENARIO"``).
    encoding
        Read in this encoding instead of finding it.
    limit
        Largest size read. [bytes] Default :data:`MAX_TEXT_FILE_BYTES`.

    Raises
    ------
    InputError
        For an empty name, a folder, a missing, unreadable, too large or binary file, or an
        encoding that is not UTF-8/UTF-16 and not named.
    """
    p = file_argument(path, what)
    cap = MAX_TEXT_FILE_BYTES if limit is None else limit
    try:
        size = p.stat().st_size
        if size > cap:
            raise InputError(what, str(p), f"a file under {cap // (1024 * 1024)} MiB")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(what, str(p), f"a readable file ({exc.strerror})") from None
    return decode_text(data, what, str(p), encoding)


# ---------------------------------------------------------------------- brines
