"""Errors meant for the user: one line, non-zero exit, no traceback (unless --debug)."""


class UserError(Exception):
    """A mistake in what the user gave (file, option, plugin name). Printed as one line."""


class Terminated(BaseException):
    """SIGTERM (``kill``, a job scheduler's stop), raised in the main thread like Ctrl-C's
    KeyboardInterrupt so the same cleanup runs: staging removed, lock released, a resumable
    run left resumable. Not a KeyboardInterrupt: Click would turn that into a bare "Aborted"."""


#: the exit status after SIGTERM (128 + 15, as a shell reports a process SIGTERM killed)
SIGTERM_EXIT = 143


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
GENERIC = "it is not UTF-8 text"


def encoding_hint(data: bytes, path: object = None) -> str:
    """Why bytes are not UTF-8, in the words a user can act on (cp1251 and UTF-16 named).

    cp1251 (Windows Cyrillic) is the most common mistake with Russian text files.
    """
    name = str(path) if path is not None else "FILE"
    if data.startswith(UTF16_BOMS) or data[:200].count(b"\x00") > len(data[:200]) // 4:
        return f"it is UTF-16; convert it: iconv -f utf-16 -t utf-8 {name} > {name}.utf8"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return GENERIC
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyrillic >= 3 and cyrillic >= len(letters) / 2:
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
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(f"{p}:{line}: not valid UTF-8; {encoding_hint(data, p)}") from None


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
            return f"no space left on the device{f' ({exc.filename})' if exc.filename else ''}"
        return f"{first}{f' ({exc.filename})' if exc.filename else ''}"
    if "Exceeds the limit" in first and "integer" in first:
        return "a number in an input has too many digits"
    kind = type(exc).__name__
    if "Safetensor" in kind or "safetensors" in type(exc).__module__:
        return f"corrupt or truncated safetensors file: {first}"
    return f"unexpected {kind}: {first} (rerun with --debug for the traceback; please report it)"


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
