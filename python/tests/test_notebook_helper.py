"""The notebooks' helper (notebooks/coordsim_nb.py) finds the binary where cargo put it: under
$CARGO_TARGET_DIR when that is set, else REPO/target; $COORDSIM wins over both."""

import importlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "release" / "coordsim"


def helper(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "notebooks"))
    sys.modules.pop("coordsim_nb", None)
    return importlib.import_module("coordsim_nb")


def test_binary_under_cargo_target_dir(tmp_path, monkeypatch):
    built = tmp_path / "elsewhere" / "release" / "coordsim"
    built.parent.mkdir(parents=True)
    shutil.copy2(CLI, built)
    monkeypatch.delenv("COORDSIM", raising=False)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(tmp_path / "elsewhere"))
    assert helper(monkeypatch).find_coordsim() == built


def test_default_target_and_coordsim_override(tmp_path, monkeypatch):
    monkeypatch.delenv("COORDSIM", raising=False)
    monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
    nb = helper(monkeypatch)
    assert nb.find_coordsim() == CLI
    copy = tmp_path / "my-coordsim"
    shutil.copy2(CLI, copy)
    monkeypatch.setenv("COORDSIM", str(copy))
    assert nb.find_coordsim() == copy
