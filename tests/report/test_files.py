"""Outputs whole or not at all, one run per folder, nothing replaced by surprise (issue 17)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.errors import InputError
from brineworks.report.files import (
    LOCK_NAME,
    MANIFEST_NAME,
    OutputFolder,
    RunIdentity,
    atomic_file,
    default_output_folder,
    safe_folder_name,
)


def _identity(name: str = "test-run") -> RunIdentity:
    return RunIdentity.new(name, chemistry_backend="phreeqc")


def test_files_appear_only_when_the_block_ends(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out, _identity()) as folder:
        folder.write_text("results.json", '{"a": 1}')
        folder.write_with("results.xlsx", lambda p: p.write_bytes(b"PK fake"))
        assert not (out / "results.json").exists()
        assert (out / LOCK_NAME).exists()
    names = sorted(p.name for p in out.iterdir())
    assert names == [MANIFEST_NAME, "results.json", "results.xlsx"]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["scenario"] == "test-run"
    assert len(manifest["run_id"]) == 32
    assert {"brineworks", "python", "numpy", "phreeqc"} <= set(manifest["versions"])
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_an_error_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"

    def failing_run() -> None:
        with OutputFolder(out, _identity()) as folder:
            folder.write_text("results.json", "{}")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_run()
    assert list(out.iterdir()) == []


def test_earlier_outputs_need_force_and_stale_files_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out, _identity("lithium")) as folder:
        folder.write_text("results.json", "lithium")
        folder.write_text("lithium.json", "only in the first run")
    with pytest.raises(InputError, match=r"--out: .*outputs of run [0-9a-f]{32} \(lithium"):
        OutputFolder(out, _identity("potash"), expected=["results.json"]).__enter__()
    assert not (out / LOCK_NAME).exists()  # a refused run leaves no lock behind
    with OutputFolder(out, _identity("potash"), force=True) as folder:
        folder.write_text("results.json", "potash")
    assert (out / "results.json").read_text() == "potash"
    assert not (out / "lithium.json").exists()  # no stale output beside the new ones
    assert json.loads((out / MANIFEST_NAME).read_text())["scenario"] == "potash"


def test_a_file_this_run_would_write_is_not_replaced_without_force(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("mine")
    with pytest.raises(InputError, match=r"files this run would replace: report\.html"):
        OutputFolder(tmp_path, _identity(), expected=["report.html"]).__enter__()
    assert (tmp_path / "report.html").read_text() == "mine"


def test_one_run_per_folder(tmp_path: Path) -> None:
    with (
        OutputFolder(tmp_path, _identity("first")),
        pytest.raises(InputError, match=r"no other run is writing: run .*\(first, process"),
    ):
        OutputFolder(tmp_path, _identity("second")).__enter__()
    # The lock of a process that is gone is taken over.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    import socket

    (tmp_path / LOCK_NAME).write_text(
        json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(), "run_id": "x"})
    )
    with OutputFolder(tmp_path, _identity("third")) as folder:
        folder.write_text("a.txt", "3")
    assert not (tmp_path / LOCK_NAME).exists()


def test_symlinks_are_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").symlink_to(elsewhere)
    with pytest.raises(InputError, match=r"results\.json"):
        OutputFolder(out, _identity(), expected=["results.json"]).__enter__()
    with OutputFolder(out, _identity(), force=True) as folder:
        folder.write_text("results.json", "new")
    assert elsewhere.read_text() == "keep me"
    assert not (out / "results.json").is_symlink()
    assert (out / "results.json").read_text() == "new"


@pytest.mark.parametrize(
    ("setup", "match"),
    [
        (lambda p: p.write_text("a file"), "a folder \\(this is a file\\)"),
        (lambda p: None, None),
    ],
)
def test_the_folder_itself(tmp_path: Path, setup: object, match: str | None) -> None:
    target = tmp_path / "target"
    setup(target)  # type: ignore[operator]
    if match is None:
        with OutputFolder(target / "deep" / "er", _identity()) as folder:
            folder.write_text("x.txt", "x")
        assert (target / "deep" / "er" / "x.txt").read_text() == "x"
        return
    with pytest.raises(InputError, match=match):
        OutputFolder(target, _identity()).__enter__()


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", ".hidden", "", "a/b", MANIFEST_NAME])
def test_output_names_are_plain(tmp_path: Path, name: str) -> None:
    with OutputFolder(tmp_path, _identity()) as folder, pytest.raises(InputError):
        folder.write_text(name, "x")


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60))
def test_a_label_names_one_folder_under_the_root(label: str) -> None:
    folder = default_output_folder(label)
    assert folder.parent == Path("brineworks-out")
    name = folder.name
    assert name not in ("", ".", "..")
    assert not set(name) & {"/", "\\", "\x00"}
    assert not name.startswith((".", "-"))


@pytest.mark.parametrize(
    ("label", "expected"),
    [("../../x", "x"), ("/abs/path", "abs-path"), ("C:\\Windows", "C-Windows"),
     ("qarhan-circular", "qarhan-circular"), ("察尔汗 2030", "察尔汗-2030"), ("NUL", "scenario"),
     ("..", "scenario")],
)  # fmt: skip
def test_safe_folder_names(label: str, expected: str) -> None:
    assert safe_folder_name(label) == expected


def test_atomic_file(tmp_path: Path) -> None:
    target = tmp_path / "r.jsonl"
    with atomic_file(target) as fh:
        fh.write("one\n")
        assert not target.exists()
    assert target.read_text() == "one\n"
    with pytest.raises(InputError, match="pass --force"), atomic_file(target):
        pass

    def failing_write() -> None:
        with atomic_file(target, force=True) as fh:
            fh.write("half")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_write()
    assert target.read_text() == "one\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]
    with pytest.raises(InputError, match="existing folder"), atomic_file(tmp_path / "no" / "x"):
        pass


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_writing_leaves_nothing(tmp_path: Path, sig: int) -> None:
    """Ctrl-C or SIGTERM in the middle of writing: no output, no temporary file, no lock."""
    ready = tmp_path / "ready"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from brineworks.report.files import OutputFolder, RunIdentity
        with OutputFolder({str(tmp_path / "out")!r}, RunIdentity.new("x")) as folder:
            folder.write_text("results.json", "{{}}")
            with folder.open_text("big.csv") as fh:
                fh.write("a,b\\n")
                Path({str(ready)!r}).write_text("go")
                time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    for _ in range(300):
        if ready.exists():
            break
        time.sleep(0.05)
    proc.send_signal(sig)
    code = proc.wait(timeout=30)
    assert code != 0
    assert os.listdir(tmp_path / "out") == []
