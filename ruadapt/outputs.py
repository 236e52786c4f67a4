"""The one output policy every writing command follows, and the one atomic writer.

- An existing, non-empty output is refused unless ``--overwrite``; ``--overwrite`` replaces
  only a folder that carries ruadapt's own marker (:data:`MARKER`, naming the command that
  wrote it and every file it wrote), never one by file names a user may also have
  (``config.yaml``, ``run.json``, ...), never one that holds a file ruadapt did not write,
  and never a path that is, contains, or sits inside an input. Inputs are compared as
  resolved paths (symlinks, relative paths, commas inside names), never as strings.
- The new output is built beside the old one (``.NAME.ruadapt-staging-PID``) and swapped in
  only when complete, so a failed command leaves the old output as it was.
- One writer per output: ``.NAME.ruadapt-lock`` beside it; a lock left by a dead process is
  taken over with a note.
- What a killed command left beside an output is settled by the next command that touches
  that output (as output or input), before anything else: staging folders are removed, and
  an output set aside by an interrupted ``--overwrite`` (``.NAME.ruadapt-old-PID``) is put
  back unless the replacement finished (the marker's ``state`` and ``replacing`` journal
  say which); when neither can be proved, both are kept and named in a note.
- Files and folders keep the user's umask (0644 / 0755 under umask 022), unlike the private
  modes ``tempfile`` gives.

Tests kill a command at named points with ``RUADAPT_TEST_KILL_AT=<point>`` (see
:func:`kill_point`); the variable is for the test suite only.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

MARKER = ".ruadapt-output.json"
_STAGING = ".ruadapt-staging-"
_OLD = ".ruadapt-old-"
_LOCK = ".ruadapt-lock"
# write_atomic's temporary files (``.NAME.XXXX.tmp``), left inside a folder by a kill
_ATOMIC_TMP = re.compile(r"^\..+\.tmp$")


def note(message: str) -> None:
    """One line on stderr that is not an error (stale staging removed, lock taken over)."""
    print(f"note: {message}", file=sys.stderr)


def kill_point(point: str) -> None:
    """Test hook: SIGKILL this process at ``point`` when ``RUADAPT_TEST_KILL_AT`` names it.

    The kill-at-every-stage tests (``tests/test_faults_ownership.py``) use it to stop a
    command exactly between two steps of an overwrite; unset, it does nothing.
    """
    if os.environ.get("RUADAPT_TEST_KILL_AT") == point:
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


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


# ---- the marker: what ruadapt wrote ------------------------------------------------------
def read_marker(folder: str | Path) -> dict[str, Any] | None:
    """The body of ``folder``'s :data:`MARKER`, or None when it has no valid one."""
    path = Path(folder) / MARKER
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) and isinstance(body.get("command"), str) else None


def mark(
    folder: str | Path,
    command: str,
    *,
    files: Iterable[str] | None = None,
    state: str = "complete",
    **extra: object,
) -> None:
    """Write :data:`MARKER` into ``folder``: ruadapt wrote it, so ``--overwrite`` may replace it.

    ``files`` are the top-level names ruadapt wrote there (default: everything in ``folder``
    now, for a folder built in staging where nothing else can be); anything else found in
    the folder later is the user's. ``state`` is ``writing`` while a run is in flight and
    ``complete`` once the output is finished.
    """
    from ruadapt.version import __version__

    folder = Path(folder)
    names = _entries(folder) if files is None else set(files)
    body = {
        "command": command,
        "ruadapt": __version__,
        "written": time.time(),
        "state": state,
        "files": sorted(names - {MARKER}),
        **extra,
    }
    write_atomic(folder / MARKER, json.dumps(body, indent=2, default=str) + "\n")


def update_marker(folder: str | Path, *, add_files: Iterable[str] = (), **changes: Any) -> None:
    """Change fields of ``folder``'s marker (``None`` removes one) and add written names."""
    folder = Path(folder)
    body = read_marker(folder)
    if body is None:
        return
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    listed = body.get("files")
    if isinstance(listed, list):
        body["files"] = sorted(set(listed) | set(add_files) - {MARKER})
    write_atomic(folder / MARKER, json.dumps(body, indent=2, default=str) + "\n")


def record_files(folder: str | Path) -> None:
    """Add the names now in ``folder`` to its marker's list, when any are new (a run calls
    this as it writes: trainers and methods add folders such as ``checkpoints``)."""
    folder = Path(folder)
    body = read_marker(folder)
    if body is None or not isinstance(body.get("files"), list):
        return
    new = _entries(folder) - set(body["files"]) - {MARKER}
    if new:
        update_marker(folder, add_files=new)


def _entries(folder: Path) -> set[str]:
    try:
        return {p.name for p in folder.iterdir()}
    except OSError:
        return set()


def is_ruadapt_output(path: str | Path) -> bool:
    """True when ``path`` is a folder carrying ruadapt's marker (file names prove nothing)."""
    path = Path(path)
    return path.is_dir() and read_marker(path) is not None


def foreign_files(path: str | Path) -> list[str]:
    """Top-level names in the folder ``path`` that ruadapt did not write (all of them when
    it has no marker; none for a marker from before file lists were recorded)."""
    path = Path(path)
    body = read_marker(path)
    names = _entries(path) - {MARKER}
    names = {n for n in names if not _ATOMIC_TMP.match(n)}
    if body is None:
        return sorted(names)
    listed = body.get("files")
    if not isinstance(listed, list):
        return []  # ruadapt 0.x markers named no files: the marker is the only proof there is
    # a listed entry's own lock, staging and set-aside siblings (a pipeline stage killed
    # mid-write leaves `.cpt.ruadapt-lock` in the pipeline's folder): settled by the next
    # write to that entry, never the user's
    own = tuple(f".{name}{tag}" for name in listed for tag in (_LOCK, _STAGING, _OLD))
    return sorted(n for n in names - set(listed) if not n.startswith(own))


def is_finished(path: str | Path) -> bool:
    """True when ``path`` is a complete ruadapt output (not a run still in flight)."""
    body = read_marker(path)
    if body is None:
        return False
    if "state" in body:
        return body["state"] == "complete"
    if body.get("command") == "run":  # older markers: a run is finished once run.json says so
        try:
            done = json.loads((Path(path) / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(done, dict) and done.get("status") == "complete"
    return True


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


# ---- inputs are paths -------------------------------------------------------------------
Inputs = Mapping[str, Any] | Iterable[Any]


def _candidates(value: Any) -> list[Path]:
    """Every path a path option's value may name, existing or not: the value as one path,
    then (for a value that is not itself a path) its comma-separated parts."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for item in value for p in _candidates(item)]
    text = str(value)
    if not text.strip():
        return []
    whole = Path(text).expanduser()
    if whole.exists() or whole.is_symlink() or "," not in text:
        return [whole]
    return [whole, *(Path(p.strip()).expanduser() for p in text.split(",") if p.strip())]


def input_paths(value: Any) -> list[Path]:
    """The existing paths a path option's value names, resolved (symlinks followed).

    A value that exists as a path is that one path even when its name holds a comma
    (``runs/sft,lr=2e-5``); otherwise its comma-separated parts and globs count. Lists (a
    command's several arguments) are taken item by item, never joined.
    """
    found: list[Path] = []
    for path in _candidates(value):
        if path.exists():
            found.append(path.resolve())
        elif any(c in str(path) for c in "*?["):
            found.extend(Path(m).resolve() for m in glob.glob(str(path), recursive=True))
    return list(dict.fromkeys(found))


def check_inputs(out: Path, inputs: Inputs, option: str = "--output") -> None:
    """Refuse an output that is, contains, or lies inside one of ``inputs``.

    ``inputs`` is a list of values or a mapping ``{"--model": value, ...}`` (names the
    option); a value is a path, a list of paths, or a comma-separated path option. What a
    killed command left beside an input is settled first (:func:`recover`), so an input
    whose overwrite was interrupted is read as the finished output it was.
    """
    pairs = list(inputs.items() if isinstance(inputs, Mapping) else (("input", i) for i in inputs))
    for _, value in pairs:
        for path in _candidates(value):
            recover(path, busy_ok=True)
    target = out.expanduser().resolve()
    for label, value in pairs:
        for src in input_paths(value):
            shown = _shown(src, value)
            if src == target or target in src.parents:
                raise UserError(
                    f"{option} {out} would overwrite the {label} {shown} (it is also an input)"
                )
            if src.is_dir() and src in target.parents:
                raise UserError(
                    f"{option} {out} lies inside the {label} {shown}; choose another folder"
                )


def _shown(resolved: Path, value: Any) -> str:
    """The input as the user typed it, when one typed value resolves to ``resolved``."""
    for path in _candidates(value):
        if path.exists() and path.resolve() == resolved:
            return str(path)
    return str(resolved)


def _check_not_current_folder(out: Path, option: str) -> None:
    """Refuse ``-o .`` (or the folder one is in, or one above it): the new output is built
    beside the old one and renamed over it, which the current folder cannot be (the rename
    fails with EBUSY, and the lock and staging names of ``.`` land inside it)."""
    here = Path.cwd().resolve()
    target = out.resolve()
    if out.name in ("", ".", "..") or target == here or target in here.parents:
        raise UserError(
            f"{option} {out} is the current folder or one above it; ruadapt builds an output "
            f"beside its final place and renames it there, so name a folder: {option} out"
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
    ``resume`` accepts an existing ruadapt output to continue. An output an interrupted
    command left half-replaced is settled first (:func:`recover`).
    """
    out = Path(out).expanduser()
    _check_not_current_folder(out, option)
    recover(out)
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
                raise UserError(f"--resume: {out} is not a ruadapt output (no {MARKER})")
            _refuse_foreign(out, "--resume")
        elif not overwrite:
            state = "exists and is not empty" if folder else "already exists"
            run = folder and (read_marker(out) or {}).get("command") == "run"
            raise UserError(
                f"output {out} {state}; pass --overwrite to replace it"
                + (" or --resume to continue it" if run else "")
            )
        elif folder and not is_ruadapt_output(out):
            raise UserError(
                f"--overwrite: {out} is not a ruadapt output (no {MARKER}; it holds "
                f"{_listing(foreign_files(out))}); refusing to replace it, choose another --output"
            )
        elif folder:
            _refuse_foreign(out, "--overwrite")
    # the new output is renamed into the parent; a run also writes inside an existing folder
    for place in (_nearest_existing(out.parent), *([out] if out.is_dir() else [])):
        if not place.is_dir() or not os.access(place, os.W_OK | os.X_OK):
            raise UserError(f"cannot write {out}: {place} is not a writable folder")
    return out


def _refuse_foreign(out: Path, flag: str) -> None:
    foreign = foreign_files(out)
    if foreign:
        raise UserError(
            f"{flag}: {out} holds files ruadapt did not write ({_listing(foreign)}); "
            "move them out or choose another --output"
        )


def _is_empty(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


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
            if not isinstance(held, dict):
                held = {}
            pid, host = held.get("pid"), held.get("host")
            if isinstance(pid, int) and host == owner["host"] and not _alive(pid):
                note(f"took over {lock} (its process {pid} is gone)")
                lock.unlink(missing_ok=True)
                continue
            if not isinstance(pid, int) or not host:
                raise UserError(
                    f"output {out} is locked by {lock}, which does not say which process "
                    f"holds it (empty or damaged); if no ruadapt command is writing {out}, "
                    f"delete {lock}"
                ) from None
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


def _leftovers(out: Path, tag: str) -> list[Path]:
    if not out.parent.is_dir():
        return []
    return sorted(out.parent.glob(f".{_glob(out.name)}{tag}*"))


def recover(out: str | Path, *, busy_ok: bool = False) -> None:
    """Settle what a killed command left beside ``out`` (see :func:`clean_stale`), under
    ``out``'s lock, before anything else reads or writes it. Nothing left: nothing done.

    ``busy_ok``: when another live process holds the lock (it is writing ``out`` now, and
    the leftovers are its own), leave them to it instead of refusing.
    """
    out = Path(out).expanduser()
    if os.environ.get("RANK", "0") != "0":  # one process of a multi-process run settles it
        return
    if not (_leftovers(out, _STAGING) or _leftovers(out, _OLD)):
        return
    if _lock_owner(out) == os.getpid():  # this process holds the lock already
        clean_stale(out)
        return
    try:
        with output_lock(out):
            clean_stale(out)
    except UserError:
        if not busy_ok:
            raise


def _lock_owner(out: Path) -> int | None:
    try:
        held = json.loads(_sibling(out, _LOCK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return held.get("pid") if isinstance(held, dict) else None


def clean_stale(out: str | Path) -> None:
    """Settle what killed writers of ``out`` left beside it (call while holding the lock).

    A staging folder is removed. An output set aside by an interrupted ``--overwrite`` is
    put back when the replacement never finished (the unfinished replacement, all of it
    ruadapt's, is removed), and removed when the replacement finished; when the folder in
    ``out`` holds files ruadapt did not write, the old one is kept under a visible name.
    """
    out = Path(out).expanduser()
    for leftover in _leftovers(out, _STAGING):
        _remove(leftover)
        note(f"removed {leftover}, left by an interrupted write of {out}")
    olds = sorted(_leftovers(out, _OLD), key=lambda p: p.stat().st_mtime, reverse=True)
    for i, old in enumerate(olds):
        if i > 0:  # more than one interrupted overwrite: keep the older ones, named
            _keep(old, out, "an earlier interrupted --overwrite set it aside")
        elif not out.exists() or _is_empty(out):
            if out.is_dir():
                out.rmdir()
            os.replace(old, out)
            note(f"restored {out} from {old.name} (an interrupted --overwrite had moved it)")
        elif is_finished(out):
            if (read_marker(out) or {}).get("replacing") == old.name:  # the journal proves it
                _remove(old)
                note(f"removed {old.name}, the output a finished --overwrite of {out} replaced")
            else:
                _keep(old, out, f"{out} is a finished output that did not replace it")
        elif is_ruadapt_output(out) and not foreign_files(out):
            put_back(old, out)
            note(
                f"restored {out} from {old.name}: an --overwrite of it was interrupted "
                "before it finished, and its partial output was removed"
            )
        else:
            _keep(old, out, f"{out} now holds files ruadapt did not write")


def put_back(old: Path, out: Path) -> None:
    """Replace the unfinished ``out`` by the set-aside ``old``. ``out`` is first renamed to a
    staging name, so a kill at any point leaves only what the next command settles."""
    trash = staging_path(out)
    os.replace(out, trash)
    os.replace(old, out)
    _remove(trash)


def _keep(old: Path, out: Path, why: str) -> None:
    kept = out.parent / f"{out.name}.before-overwrite-{old.name.rsplit('-', 1)[-1]}"
    n = 1
    while kept.exists():
        kept = kept.with_name(f"{kept.name}-{n}")
        n += 1
    os.replace(old, kept)
    note(f"kept the output an interrupted --overwrite of {out} set aside as {kept} ({why})")


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


def old_path(out: Path) -> Path:
    """Where an ``--overwrite`` sets the old ``out`` aside until the new one is complete."""
    return _sibling(out, f"{_OLD}{os.getpid()}")


def swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by the complete ``staging`` (the old one is removed only afterwards)."""
    if out.exists() or out.is_symlink():
        old = old_path(out)
        update_marker(staging, replacing=old.name)  # the journal: which old this one replaced
        os.replace(out, old)
        kill_point("swap-aside")
        os.replace(staging, out)
        kill_point("swap-in")
        _remove(old)
    else:
        os.replace(staging, out)


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
