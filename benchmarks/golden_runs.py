"""Golden runs: fingerprints of what training produces, to prove a refactor changed nothing.

For every preset lab: train it a few hundred epochs through the public API and hash the
trained lab file (parameters and history, as saved), the gradient record and the final
snapshot's pictures.  For three comparisons (a point, a function and an image lab): run the
CLI with several ``--activation`` options and hash every file it writes.  ``record`` writes
the fingerprints to a JSON file; ``check`` runs again and lists every one that differs.

    python benchmarks/golden_runs.py record benchmarks/golden/runs.json
    python benchmarks/golden_runs.py check benchmarks/golden/runs.json

Bit-for-bit equality holds on one machine with one NumPy build; another BLAS or NumPy
version may round differently, so this is a tool for a refactor, not a test.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout, not an installed ActLab
EPOCHS = 300
COMPARES = {
    "xor-needs-nonlinearity": ("linear", "tanh", "relu", "sigmoid"),
    "functions-one-kink": ("linear", "relu"),
    "images-two-3x3-are-one-5x5": ("linear", "relu"),
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def array_sha(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:24]


def preset_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "resources" / "labs").glob("*.actlab"))


def preset_run(name: str) -> dict:
    from actlab.engine import Trainer
    from actlab.labfile import lab_to_json, load_preset

    trainer = Trainer(load_preset(name))
    trainer.train(EPOCHS)
    snap = trainer.snapshot()
    g = trainer.gradients
    out = {
        "epoch": trainer.epoch,
        "lab": sha(lab_to_json(trainer.to_lab()).encode()),
        "gradients": array_sha(g.epochs(), g.norms()),
        "surface": array_sha(snap.surface, *snap.neurons),
        "train_loss": repr(float(snap.train_loss)),
        "diverged": snap.diverged,
    }
    return out


def compare_run(name: str, acts) -> dict:
    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, "-m", "actlab", "train", name, "--epochs", "60", "--quiet",
               "--out", d]
        for a in acts:
            cmd += ["--activation", a]
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        files = sorted(p for p in Path(d).rglob("*") if p.is_file())
        return {str(p.relative_to(d)): sha(stable_bytes(p)) for p in files}


def stable_bytes(path: Path) -> bytes:
    """The file's bytes; for metrics.json without the wall-clock "seconds" of each run."""
    if path.name != "metrics.json":
        return path.read_bytes()
    return re.sub(rb'"seconds": [0-9.e+-]+', b'"seconds": 0', path.read_bytes())


def run_all() -> dict:
    result = {"presets": {}, "compares": {}}
    for name in preset_names():
        result["presets"][name] = preset_run(name)
        print(name, result["presets"][name]["train_loss"], flush=True)
    for name, acts in COMPARES.items():
        result["compares"][name] = compare_run(name, acts)
        print("compare", name, len(result["compares"][name]), "files", flush=True)
    return result


def differences(old, new, where="") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            out += differences(old.get(k), new.get(k), f"{where}/{k}")
        return out
    return [] if old == new else [f"{where}: {old!r} -> {new!r}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("record", "check"))
    ap.add_argument("file")
    args = ap.parse_args()
    result = run_all()
    result["numpy"] = np.__version__
    if args.mode == "record":
        Path(args.file).parent.mkdir(parents=True, exist_ok=True)
        Path(args.file).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        print("recorded", args.file)
        return 0
    old = json.loads(Path(args.file).read_text())
    old.pop("note", None)  # what was recorded when, in words
    diff = differences(old, result)
    for line in diff:
        print("DIFFERS", line)
    n = sum(len(v) for v in result["presets"].values()) + sum(
        len(v) for v in result["compares"].values())
    print(f"{len(diff)} of {n} fingerprints differ")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
