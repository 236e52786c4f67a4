"""Errors meant for the user: one line, non-zero exit, no traceback (unless --debug)."""


class UserError(Exception):
    """A mistake in what the user gave (file, option, plugin name). Printed as one line."""


class Terminated(BaseException):
    """SIGTERM (``kill``, a job scheduler's stop), raised in the main thread like Ctrl-C's
    KeyboardInterrupt so the same cleanup runs: staging removed, lock released, a resumable
    run left resumable. Not a KeyboardInterrupt: Click would turn that into a bare "Aborted"."""


#: the exit status after SIGTERM (128 + 15, as a shell reports a process SIGTERM killed)
SIGTERM_EXIT = 143

_termination = {"requested": False}


def request_termination(requested: bool = True) -> None:
    """Record that SIGTERM arrived (the CLI's handler), or clear it (a new command)."""
    _termination["requested"] = requested


def raise_if_terminated() -> None:
    """Raise :class:`Terminated` when SIGTERM arrived. The handler raises at once, but code
    that swallows every exception (some library's ``except BaseException``) can eat that;
    loops call this at safe points (the training callback, every step) so the stop holds."""
    if _termination["requested"]:
        raise Terminated()


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
GENERIC = "it is not UTF-8 text"


#: magic numbers of binary files people pass as data by mistake, and what to say
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed, not a text file; gunzip it first"),
    (b"PK\x03\x04", "a zip archive, not a text file; unpack it first"),
    (b"PAR1", "a Parquet file, not a text file; give it a .parquet name"),
    (b"\x7fELF", "a program, not a text file"),
    (b"\x89PNG", "a PNG image, not a text file"),
    (b"%PDF", "a PDF document, not a text file"),
    (b"\x80\x02", "a Python pickle, not a text file"),
)


def _utf16_text(data: bytes) -> bool:
    """True when ``data`` reads as UTF-16 text (letters, digits, punctuation, spaces): a BOM,
    or a start that decodes, in either byte order, to mostly ordinary characters. Binary
    files are full of zero bytes too, but decode to control and CJK noise."""
    if data.startswith(UTF16_BOMS):
        return True
    head = data[:400][: len(data[:400]) // 2 * 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = head.decode(codec, errors="replace")
        plain = sum(c.isspace() or (c.isprintable() and ord(c) < 0x0530) for c in text)
        if text and plain >= 0.9 * len(text):
            return True
    return False


def binary_kind(data: bytes) -> str | None:
    """What a binary file is (``it is gzip-compressed; ...``), None when it looks like text
    (UTF-16 text included: it is full of zero bytes too)."""
    if _utf16_text(data):
        return None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"it is {what}"
    head = data[:4096]
    controls = sum(b < 0x20 and b not in b"\t\n\r\x0c\x1b" for b in head)
    if b"\x00" in head or controls > len(head) // 10:
        return "it is a binary file, not text"
    return None


def looks_like_text(data: bytes) -> bool:
    """False for UTF-16 text and binary files: a reader of UTF-8 text should refuse them."""
    return not _utf16_text(data) and binary_kind(data) is None


def encoding_hint(data: bytes, path: object = None) -> str:
    """Why bytes are not UTF-8, in the words a user can act on (cp1251 and UTF-16 named,
    binary files called binary); the iconv line names ``path`` when it is known.

    cp1251 (Windows Cyrillic) is the most common mistake with Russian text files.
    """
    if _utf16_text(data):
        if path is None:
            return "it is UTF-16; convert it to UTF-8 (iconv -f utf-16 -t utf-8)"
        return f"it is UTF-16; convert it: iconv -f utf-16 -t utf-8 {path} > {path}.utf8"
    binary = binary_kind(data)
    if binary:
        return binary
    name = str(path) if path is not None else None
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return GENERIC
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyrillic >= 3 and cyrillic >= len(letters) / 2:
        if name is None:
            return "it looks like cp1251 (Windows Cyrillic); convert it (iconv -f cp1251 -t utf-8)"
        return (
            "it looks like cp1251 (Windows Cyrillic); convert it: "
            f"iconv -f cp1251 -t utf-8 {name} > {name}.utf8"
        )
    return GENERIC


def read_text(path: object, what: str = "file") -> str:
    """A UTF-8 text file's content, or a :class:`UserError` naming the file and the encoding."""
    from pathlib import Path

    p = Path(str(path))
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what} not found: {p}") from None
    except IsADirectoryError:
        raise UserError(f"{what} {p} is a folder, not a file") from None
    except PermissionError:
        raise UserError(f"{what} {p}: permission denied") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(f"{p}:{line}: not valid UTF-8; {encoding_hint(data, p)}") from None
    if "\x00" in text:  # valid UTF-8, but no text file holds NUL: UTF-16 without a BOM, binary
        raise UserError(f"{p}: not UTF-8 text; {encoding_hint(data, p)}")
    return text


def describe(exc: BaseException, candidates: list[str] | None = None) -> str:
    """One line for an expected failure the code did not turn into a :class:`UserError`.

    ``candidates`` are command-line arguments; an encoding error names the file it came from.
    """
    import json

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, UnicodeDecodeError):
        where = _file_holding(exc.object, candidates or [])
        return f"{where or 'an input'} is not valid UTF-8; {encoding_hint(exc.object, where)}"
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    import pickle

    if isinstance(exc, pickle.UnpicklingError):
        return (
            "refused to load a pickled file that holds more than plain tensors "
            f"(it could run code): {first}"
        )
    if isinstance(exc, RecursionError):
        return "an input is nested too deeply to read (JSON/YAML nesting)"
    if isinstance(exc, MemoryError):
        return "out of memory (try a smaller batch_size or max_length)"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or first}"
    if isinstance(exc, FileNotFoundError):
        return f"not found: {exc.filename or first}"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename or first} is a folder, not a file"
    if isinstance(exc, OSError):
        if exc.errno == 28:  # ENOSPC
            where = f" writing {exc.filename}" if exc.filename else ""
            return f"no space left on the device{where}; free some space and rerun"
        return f"{first}{f' ({exc.filename})' if exc.filename else ''}"
    if "Exceeds the limit" in first and "integer" in first:
        return "a number in an input has too many digits"
    if _disk_full(exc):  # safetensors' Rust writer wraps ENOSPC in its own error type
        return "no space left on the device while writing; free some space and rerun"
    kind = type(exc).__name__
    if "Safetensor" in kind or "safetensors" in type(exc).__module__:
        return f"corrupt or truncated safetensors file: {first}"
    return f"unexpected {kind}: {first} (rerun with --debug for the traceback; please report it)"


def _disk_full(exc: BaseException) -> bool:
    """True for a full disk however it is wrapped (``OSError(ENOSPC)``, a library's own error
    whose text carries errno 28 / ``StorageFull``, or one caused by either)."""
    import errno

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        text = str(exc)
        if "No space left on device" in text or "StorageFull" in text:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _file_holding(data: bytes, candidates: list[str]) -> str | None:
    from pathlib import Path

    for arg in candidates:
        path = Path(arg.split("=", 1)[-1])
        try:
            if (
                path.is_file()
                and path.stat().st_size < 64 << 20
                and data[:4096] in path.read_bytes()
            ):
                return str(path)
        except OSError:
            continue
    return None
