"""Bytes to text: size guard, binary check, encoding detection, newline normalisation."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

import charset_normalizer

from app.core.errors import InputError
from app.core.text import normalize_text

MAX_ARTICLE_BYTES = 10 * 1024 * 1024

_MB = 1024 * 1024

# Longest first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 control characters that never occur in text (tab, LF, FF and CR do).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_MAX_CONTROL_SHARE = 0.05

# How much messier than the best guess a cp1252 reading may be and still win; and
# how much messier than the best another reading may be and still be likely.
_NEAR_TIE = 0.1

# Below this size a single-byte file holds too little text to tell its encoding by
# the text alone: when the likely encodings read it differently, a person chooses.
SHORT_FILE_BYTES = 4096
_MAX_READINGS = 6

# Which encoding a person said a file is in (None: detect it), for --encoding and the app's question.
Encodings = Callable[[Path], "str | None"]


class EncodingUncertain(InputError):
    """A short file that reads sensibly, but differently, in several single-byte encodings.

    `readings` holds (encoding, text) for each likely encoding, the likeliest
    first, so that a person can choose by looking at the text.
    """

    def __init__(self, path: str | Path, readings: list[tuple[str, str]]):
        self.readings = readings
        names = ", ".join(encoding for encoding, _ in readings)
        super().__init__(path, f"cannot be sure of the text encoding of this short file: likely {names}, "
                               f"which read it differently: {_difference(readings)}; "
                               "name the encoding with --encoding")


def too_large(path: str | Path, size: int, what: str = "file", line: int | None = None) -> InputError:
    """The error for `what` (the file, an article text) being `size` bytes, over MAX_ARTICLE_BYTES."""
    return InputError(
        path,
        f"{what} is {size / _MB:.1f} MB; one article may be at most {MAX_ARTICLE_BYTES // _MB} MB",
        line=line,
    )


def read_limited(path: Path) -> bytes:
    """Read a whole file, refusing (before reading it) one bigger than MAX_ARTICLE_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise too_large(path, size)
        with path.open("rb") as f:
            data = f.read(MAX_ARTICLE_BYTES + 1)
    except OSError as err:
        raise InputError(path, f"cannot read the file: {err.strerror or err}") from err
    if len(data) > MAX_ARTICLE_BYTES:  # it grew after stat()
        raise too_large(path, len(data))
    return data


def decode_bytes(data: bytes, path: str | Path, declared: str | None = None, encoding: str | None = None) -> str:
    """Decode a text file's bytes to str with LF line ends, or raise InputError.

    `encoding`, a person's choice, wins over everything. Otherwise: a Unicode BOM,
    then strict UTF-8, then the `declared` encoding (e.g. an HTML meta charset) if
    the bytes decode with it, then charset-normalizer's guess; a short file whose
    likely encodings read it differently raises EncodingUncertain instead of
    guessing. Mostly-UTF-8 bytes with a few bad ones are refused (naming the
    line) rather than guessed into mojibake.
    """
    if not data.strip():
        raise InputError(path, "file is empty")
    text = _decode_as(data, path, encoding) if encoding is not None else _decode_with_bom(data)
    if text is None:
        if _looks_binary(data.decode("latin-1")):
            raise _not_text(path)
        text = _decode_without_bom(data, path, declared)
    if _looks_binary(text):
        raise _not_text(path)
    if not text.strip():
        raise InputError(path, "file is empty")
    return normalize_text(text)


def _decode_as(data: bytes, path: str | Path, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(path, f"not valid {encoding}: byte {data[err.start]:#04x} has no character in it",
                         line=line) from None


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_without_bom(data: bytes, path: str | Path, declared: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if _mostly_utf8(data):
            line = data.count(b"\n", 0, err.start) + 1
            raise InputError(
                path, "not valid UTF-8, though the rest of the file is; save it as UTF-8 again", line=line
            ) from err
    if declared is not None:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return _guess(data, path)


def _mostly_utf8(data: bytes) -> bool:
    """More well-formed UTF-8 sequences than malformed ones: UTF-8 with damage."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > bad


def _guess(data: bytes, path: str | Path) -> str:
    """charset-normalizer's best reading, but cp1252 when it is as coherent and about as clean.

    charset-normalizer often cannot tell cp1252 from cp1250/cp1257 in accented
    French text and picks the wrong one; cp1252 is by far the commonest legacy
    encoding of Western news text. A short file whose likely readings differ
    raises EncodingUncertain, with cp1252 first when it is among them.
    """
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputError(path, "cannot tell the text encoding; save the file as UTF-8")
    best = matches[0]
    likely = [m for m in matches if m.chaos <= best.chaos + _NEAR_TIE]
    western = next((m for m in likely if "cp1252" in m.could_be_from_charset), None)
    if len(data) < SHORT_FILE_BYTES and len({str(m) for m in likely}) > 1:
        readings: dict[str, str] = {}  # text -> encoding: encodings that read the bytes alike are one reading
        for match in ([western] if western else []) + likely:
            name = "cp1252" if "cp1252" in match.could_be_from_charset else match.encoding
            readings.setdefault(str(match), name)
        raise EncodingUncertain(path, [(name, text) for text, name in readings.items()][:_MAX_READINGS])
    if western and western.coherence >= best.coherence:
        return str(western)
    return str(best)


def _difference(readings: list[tuple[str, str]]) -> str:
    """Each reading's first few words outside ASCII: 'cp1252 "Café München", cp775 "Cafķ M³nchen"'."""
    def words(text: str) -> str:
        return " ".join([word for word in text.split() if not word.isascii()][:3])

    return ", ".join(f'{name} "{words(text)}"' for name, text in readings)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    return len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text)


def _not_text(path: str | Path) -> InputError:
    return InputError(path, "not a text file (it looks like binary data)")
