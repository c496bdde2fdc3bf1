"""The build workflow (.github/workflows/build.yml) cannot run here: lint it instead.

Parsed with PyYAML (a test extra), then checked against what a GitHub Actions workflow
needs and what ActLab's needs of it: one job per desktop, Python 3.11, the package
extra installed, the spec built, the frozen ``--self-test`` run and the build uploaded,
and a release on a tag.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the
    last one silently; GitHub refuses the file)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate keys {sorted(map(str, twice))}", node.start_mark)
        return super().construct_mapping(node, deep)


def load():
    return yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)


def run_text(job) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def test_the_workflow_is_yaml_with_the_keys_actions_needs():
    wf = load()
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(wf) <= {"name", "on", True, "permissions", "env", "jobs", "concurrency"}
    assert {"push", "pull_request"} <= set(triggers)
    assert triggers["push"]["tags"] == ["v*"]
    assert set(wf["jobs"]) == {"build", "release"}
    for name, job in wf["jobs"].items():
        assert "runs-on" in job, name
        for step in job["steps"]:
            assert isinstance(step, dict), name
            assert ("uses" in step) != ("run" in step), f"{name}: {step}"
            assert set(step) <= {"name", "uses", "with", "run", "if", "env", "shell",
                                 "id", "working-directory", "continue-on-error"}, step


def test_it_builds_on_the_three_desktops_with_python_311():
    build = load()["jobs"]["build"]
    oses = [entry["os"] for entry in build["strategy"]["matrix"]["include"]]
    assert oses == ["ubuntu-latest", "windows-latest", "macos-latest"]
    assert build["runs-on"] == "${{ matrix.os }}"
    assert build["strategy"]["fail-fast"] is False  # one broken desktop hides no other
    setup = [s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python")]
    assert setup and str(setup[0]["with"]["python-version"]) == "3.11"
    runs = run_text(build)
    assert 'pip install ".[package]"' in runs
    assert "packaging/build_smoke.sh" in runs  # pyinstaller ... actlab.spec, then checks
    assert "actlab.spec" in (ROOT / "packaging" / "build_smoke.sh").read_text()


def test_every_desktop_self_tests_its_frozen_app_and_uploads_it():
    build = load()["jobs"]["build"]
    runs = run_text(build)
    assert "--self-test" in runs and "QT_QPA_PLATFORM=offscreen" in runs
    for frozen in ("dist/actlab/actlab-cli.exe", "dist/ActLab.app/Contents/MacOS/actlab",
                   "dist/actlab/actlab"):
        assert frozen in runs
    # no step of the build job is limited to some desktops except the Linux libraries
    # and the Windows installer: the self-test and the upload run on all three
    only_some = [s.get("name") for s in build["steps"] if "if" in s]
    assert len(only_some) == 2
    assert all("self-test" not in str(n).lower() and "upload" not in str(n).lower()
               for n in only_some)
    upload = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert len(upload) == 1
    assert "${{ matrix.archive }}" in upload[0]["with"]["path"]
    assert upload[0]["with"]["if-no-files-found"] == "error"
    archives = [entry["archive"] for entry in build["strategy"]["matrix"]["include"]]
    assert len(set(archives)) == 3


def test_a_tag_attaches_the_builds_to_a_release():
    release = load()["jobs"]["release"]
    assert release["needs"] == "build"
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert release["permissions"]["contents"] == "write"
    uses = [s["uses"] for s in release["steps"]]
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    assert any(u.startswith("softprops/action-gh-release@") for u in uses)


def test_actions_are_pinned_to_a_major_version_and_expressions_close():
    text = WORKFLOW.read_text(encoding="utf-8")
    for action in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", action), action
    assert text.count("${{") == text.count("}}")
    assert "\t" not in text
