"""The one output policy every writing command follows, and the one atomic writer.

- An existing, non-empty output is refused unless ``--overwrite``; ``--overwrite`` replaces
  only what ruadapt wrote (a folder with :data:`MARKER`, or one of the older ruadapt output
  files) and never a path that is, contains, or sits inside an input.
- The new output is built beside the old one (``.NAME.ruadapt-staging-PID``) and swapped in
  only when complete, so a failed command leaves the old output as it was.
- One writer per output: ``.NAME.ruadapt-lock`` beside it; a lock left by a dead process is
  taken over with a note.
- Staging folders left by a killed command are removed, with a note, on the next write to
  that output.
- Files and folders keep the user's umask (0644 / 0755 under umask 022), unlike the private
  modes ``tempfile`` gives.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ruadapt.errors import UserError

MARKER = ".ruadapt-output.json"
# Files that mark a folder as written by ruadapt before MARKER existed.
_LEGACY_MARKERS = (
    "run.json",
    "config.yaml",
    "tiny_build.json",
    "real_model.json",
    "report.json",
    "pipeline.json",
)
_STAGING = ".ruadapt-staging-"
_OLD = ".ruadapt-old-"
_LOCK = ".ruadapt-lock"


def note(message: str) -> None:
    """One line on stderr that is not an error (stale staging removed, lock taken over)."""
    print(f"note: {message}", file=sys.stderr)


# ---- permissions and the atomic writer ---------------------------------------------------
def current_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def public_mode(path: str | Path) -> None:
    """Give ``path`` the mode a plain ``open``/``mkdir`` would (``tempfile`` makes it private)."""
    base = 0o777 if Path(path).is_dir() else 0o666
    os.chmod(path, base & ~current_umask())


def public_tree(root: str | Path) -> None:
    """:func:`public_mode` on ``root`` and everything under it: libraries that save through
    ``tempfile`` (transformers' model shards) leave 0600 files a teammate cannot read."""
    root = Path(root)
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            public_mode(path)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and a rename.

    Readers see the old content or the new one, never half of it; the file gets the mode the
    user's umask gives new files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        public_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---- what may be replaced ---------------------------------------------------------------
def is_ruadapt_output(path: str | Path) -> bool:
    """True when ``path`` is a folder ruadapt wrote (so ``--overwrite`` may replace it)."""
    path = Path(path)
    return path.is_dir() and any((path / name).is_file() for name in (MARKER, *_LEGACY_MARKERS))


def _is_empty(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


Inputs = Mapping[str, "str | Path | None"] | Iterable["str | Path | None"]


def check_inputs(out: Path, inputs: Inputs, option: str = "--output") -> None:
    """Refuse an output that is, contains, or lies inside one of ``inputs``.

    ``inputs`` is a list of paths or a mapping ``{"--model": path, ...}`` (names the option).
    """
    pairs = inputs.items() if isinstance(inputs, Mapping) else (("input", i) for i in inputs)
    target = out.expanduser().resolve()
    for label, item in pairs:
        for one in str(item or "").split(","):
            if not one:
                continue
            src = Path(one).expanduser()
            if not src.exists():
                continue
            src = src.resolve()
            if src == target or target in src.parents:
                raise UserError(
                    f"{option} {out} would overwrite the {label} {one} (it is also an input)"
                )
            if src.is_dir() and src in target.parents:
                raise UserError(
                    f"{option} {out} lies inside the {label} {one}; choose another folder"
                )


def check_output(
    out: str | Path,
    *,
    overwrite: bool = False,
    inputs: Inputs = (),
    folder: bool = True,
    resume: bool = False,
    option: str = "--output",
) -> Path:
    """Check ``out`` before any compute: writable, not an input, and replaceable if it exists.

    Returns the expanded path. ``folder`` says whether the output is a folder or one file;
    ``resume`` accepts an existing ruadapt output to continue.
    """
    out = Path(out).expanduser()
    check_inputs(out, inputs, option)
    if out.exists() or out.is_symlink():
        if folder and not out.is_dir():
            raise UserError(f"{option} {out} exists and is a file, not a folder")
        if not folder and out.is_dir():
            raise UserError(f"{option} {out} is a folder; expected a file name")
        if folder and _is_empty(out):
            pass
        elif resume:
            if not is_ruadapt_output(out):
                raise UserError(f"--resume: {out} is not a ruadapt output")
        elif not overwrite:
            state = "exists and is not empty" if folder else "already exists"
            run = folder and (out / "config.yaml").is_file()
            raise UserError(
                f"output {out} {state}; pass --overwrite to replace it"
                + (" or --resume to continue it" if run else "")
            )
        elif folder and not is_ruadapt_output(out):
            raise UserError(
                f"--overwrite: {out} is not a ruadapt output (no {MARKER}); "
                "refusing to replace it, choose another --output"
            )
    # the new output is renamed into the parent; a run also writes inside an existing folder
    for place in (_nearest_existing(out.parent), *([out] if out.is_dir() else [])):
        if not place.is_dir() or not os.access(place, os.W_OK | os.X_OK):
            raise UserError(f"cannot write {out}: {place} is not a writable folder")
    return out


# ---- one writer at a time ---------------------------------------------------------------
def _sibling(out: Path, tag: str) -> Path:
    return out.parent / f".{out.name}{tag}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def output_lock(out: str | Path) -> Iterator[Path]:
    """Hold ``.NAME.ruadapt-lock`` beside ``out`` while writing it; a second writer is refused."""
    out = Path(out).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = _sibling(out, _LOCK)
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            try:
                held = json.loads(lock.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                held = {}
            pid, host = held.get("pid"), held.get("host")
            if isinstance(pid, int) and host == owner["host"] and not _alive(pid):
                note(f"took over {lock} (its process {pid} is gone)")
                lock.unlink(missing_ok=True)
                continue
            raise UserError(
                f"output {out} is being written by another ruadapt process "
                f"(pid {pid} on {host}); wait for it, or delete {lock} if it is gone"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(owner, fh)
        break
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def clean_stale(out: str | Path) -> None:
    """Remove what killed writers of ``out`` left beside it (call while holding the lock)."""
    out = Path(out).expanduser()
    if not out.parent.is_dir():
        return
    for leftover in sorted(out.parent.glob(f".{_glob(out.name)}{_STAGING}*")):
        _remove(leftover)
        note(f"removed {leftover}, left by an interrupted write of {out}")
    for old in sorted(out.parent.glob(f".{_glob(out.name)}{_OLD}*")):
        if not out.exists():
            os.replace(old, out)
            note(f"restored {out} from {old} (an interrupted --overwrite had moved it)")
        else:
            _remove(old)
            note(f"removed {old}, the output an interrupted --overwrite replaced")


def _glob(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def staging_path(out: Path) -> Path:
    """Where the new version of ``out`` is built."""
    return _sibling(out, f"{_STAGING}{os.getpid()}")


def swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by the complete ``staging`` (the old one is removed only afterwards)."""
    if out.exists() or out.is_symlink():
        old = _sibling(out, f"{_OLD}{os.getpid()}")
        os.replace(out, old)
        os.replace(staging, out)
        _remove(old)
    else:
        os.replace(staging, out)


def mark(folder: str | Path, command: str, **extra: object) -> None:
    """Write :data:`MARKER` into ``folder``: ruadapt wrote it, so ``--overwrite`` may replace it."""
    from ruadapt.version import __version__

    body = {"command": command, "ruadapt": __version__, "written": time.time(), **extra}
    write_atomic(Path(folder) / MARKER, json.dumps(body, indent=2, default=str) + "\n")


@contextmanager
def staged_folder(
    out: str | Path,
    command: str,
    *,
    overwrite: bool = False,
    inputs: Inputs = (),
    checked: bool = False,
) -> Iterator[Path]:
    """Build the folder ``out`` in a staging sibling; swap it in when the block succeeds.

    ``checked`` skips :func:`check_output` when the caller already ran it before computing.
    """
    out = Path(out).expanduser()
    if not checked:
        check_output(out, overwrite=overwrite, inputs=inputs)
    with output_lock(out):
        clean_stale(out)
        staging = staging_path(out)
        staging.mkdir(parents=True)
        try:
            yield staging
            mark(staging, command)
            public_tree(staging)
            swap_in(staging, out)
        except BaseException:
            _remove(staging)
            raise


@contextmanager
def staged_file(
    out: str | Path,
    *,
    overwrite: bool = False,
    inputs: Inputs = (),
    checked: bool = False,
) -> Iterator[Path]:
    """Write the file ``out`` through a staging sibling, renamed into place on success."""
    out = Path(out).expanduser()
    if not checked:
        check_output(out, overwrite=overwrite, inputs=inputs, folder=False)
    with output_lock(out):
        clean_stale(out)
        staging = staging_path(out)
        try:
            yield staging
            public_mode(staging)
            os.replace(staging, out)
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
