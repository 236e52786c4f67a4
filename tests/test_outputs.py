"""The one output policy (ruadapt.outputs): modes, build beside and swap in, locks, leftovers."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ruadapt import outputs
from ruadapt.errors import UserError


@pytest.fixture
def umask():
    """Set a umask for one test and restore the old one."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_written_files_and_folders_keep_the_users_umask(umask, tmp_path, mask, file_mode, dir_mode):
    umask(mask)
    written = outputs.write_atomic(tmp_path / "a.json", "{}")
    assert mode(written) == file_mode  # tempfile alone would give 0600
    with outputs.staged_folder(tmp_path / "out", "test") as staging:
        (staging / "w.txt").write_text("x")
    assert mode(tmp_path / "out") == dir_mode  # mkdtemp alone would give 0700
    assert mode(tmp_path / "out" / outputs.MARKER) == file_mode
    with outputs.staged_file(tmp_path / "s.jsonl") as tmp:
        tmp.write_text("{}\n")
    assert mode(tmp_path / "s.jsonl") == file_mode


def test_a_failed_build_keeps_the_old_output_and_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    with outputs.staged_folder(out, "test") as staging:
        (staging / "v").write_text("1")
    with pytest.raises(RuntimeError), outputs.staged_folder(out, "test", overwrite=True) as staging:
        (staging / "v").write_text("2")
        raise RuntimeError("compute failed")
    assert (out / "v").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging or lock left"


def test_overwrite_replaces_only_what_ruadapt_wrote(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    with pytest.raises(UserError, match="not empty; pass --overwrite"):
        outputs.check_output(mine)
    with pytest.raises(UserError, match="not a ruadapt output"):
        outputs.check_output(mine, overwrite=True)
    assert (mine / "thesis.txt").read_text() == "years of work"


@pytest.mark.parametrize("where", ["same", "parent", "inside"])
def test_an_output_never_is_contains_or_lies_in_an_input(tmp_path, where):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    out = {"same": model, "parent": tmp_path, "inside": model / "sub"}[where]
    with pytest.raises(UserError, match="--model"):
        outputs.check_output(out, overwrite=True, inputs={"--model": model})


def test_stale_staging_is_removed_with_a_note_and_a_dead_lock_taken_over(tmp_path, capsys):
    out = tmp_path / "out"
    stale = tmp_path / ".out.ruadapt-staging-999999"
    stale.mkdir()
    (stale / "half.safetensors").write_bytes(b"\0" * 10)
    dead = 2**22 + 12345  # above pid_max on Linux: no such process
    (tmp_path / ".out.ruadapt-lock").write_text(json.dumps({"pid": dead, "host": os.uname()[1]}))
    with outputs.staged_folder(out, "test") as staging:
        (staging / "v").write_text("1")
    err = capsys.readouterr().err
    assert "took over" in err and f"removed {stale}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_live_lock_refuses_a_second_writer(tmp_path):
    busy = pytest.raises(UserError, match="being written by another ruadapt process")
    with outputs.output_lock(tmp_path / "out"), busy, outputs.output_lock(tmp_path / "out"):
        pass
    with outputs.output_lock(tmp_path / "out"):  # released: free again
        pass


def test_an_interrupted_swap_is_restored(tmp_path, capsys):
    """A kill between the two renames of swap_in leaves only the old output aside."""
    old = tmp_path / ".out.ruadapt-old-999999"
    old.mkdir()
    (old / "v").write_text("1")
    outputs.clean_stale(tmp_path / "out")
    assert (tmp_path / "out" / "v").read_text() == "1" and "restored" in capsys.readouterr().err


def test_encoding_hints_name_cp1251_and_utf16(tmp_path):
    from ruadapt.errors import read_text

    cp = tmp_path / "ru.yaml"
    cp.write_bytes("ключ: значение".encode("cp1251"))
    with pytest.raises(UserError, match=r"ru\.yaml:1: .*cp1251.*iconv -f cp1251 -t utf-8"):
        read_text(cp)
    u16 = tmp_path / "u.yaml"
    u16.write_bytes("key: value".encode("utf-16"))
    with pytest.raises(UserError, match="UTF-16; convert it: iconv -f utf-16"):
        read_text(u16)


def test_report_markdown_escapes_html():
    from ruadapt_evals.render import md_cell

    assert md_cell("<script>alert(1)</script> & |") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\|"
    )


def test_a_run_and_its_merge_are_readable_by_teammates_under_umask_022(
    umask, tiny_model, tiny_data, tmp_path
):
    """transformers writes model shards through tempfile (0600); the finished output is
    0644/0755 under umask 022 like anything else the user writes."""
    from ruadapt.cli.merge import merge_adapter
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    umask(0o022)
    out = run("sft", get_registry(), model=tiny_model, data=tiny_data("chat"),
              output=str(tmp_path / "run"), adapter="lora", max_steps=1)  # fmt: skip
    merged = merge_adapter(str(out), str(tmp_path / "merged"))
    for folder in (out, merged):
        wrong = {
            str(p.relative_to(folder)): oct(mode(p))
            for p in [folder, *folder.rglob("*")]
            if mode(p) != (0o755 if p.is_dir() else 0o644)
        }
        assert not wrong, f"{folder.name}: {wrong}"


def test_a_listed_entrys_own_leftovers_are_not_foreign(tmp_path):
    """A pipeline killed mid-stage leaves that stage's lock (and maybe its staging or
    set-aside folder) in the pipeline's folder: ruadapt's, settled by the stage's next write,
    so the rerun may continue. The same names for an entry ruadapt never wrote stay foreign."""
    from ruadapt.outputs import foreign_files, mark

    root = tmp_path / "pipe"
    (root / "cpt").mkdir(parents=True)
    mark(root, "pipeline", files={"cpt", "pipeline.json"})
    for name in (".cpt.ruadapt-lock", ".cpt.ruadapt-staging-123", ".cpt.ruadapt-old-123"):
        (root / name).write_text("x")
    assert foreign_files(root) == []
    (root / ".thesis.ruadapt-lock").write_text("x")
    (root / "notes.txt").write_text("mine")
    assert foreign_files(root) == [".thesis.ruadapt-lock", "notes.txt"]
