#!/usr/bin/env bash
# Build the one-folder ActLab app with PyInstaller and smoke-test the frozen result.
#
#   packaging/build_smoke.sh [SPEC]        (SPEC defaults to actlab.spec)
#
# Steps: `pyinstaller --noconfirm --clean SPEC`, check the bundle layout, then run
# `dist/actlab/actlab --self-test` headless (QT_QPA_PLATFORM=offscreen) and check its one
# line.  Prints the build time, the folder size and the self-test's wall time measured
# from process start.  Exits non-zero when any step fails.
set -euo pipefail

cd "$(dirname "$0")/.."
SPEC="${1:-actlab.spec}"
PYINSTALLER="${PYINSTALLER:-pyinstaller}"
APP_DIR="dist/actlab"
LOG="build/build_smoke.log"

fail() { echo "build_smoke: FAILED: $*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p build
echo "build_smoke: building with $PYINSTALLER --noconfirm --clean $SPEC (log: $LOG)"
t0=$(date +%s.%N)
if ! "$PYINSTALLER" --noconfirm --clean "$SPEC" >"$LOG" 2>&1; then
    tail -n 30 "$LOG" >&2
    fail "pyinstaller exited with an error (see $LOG)"
fi
t1=$(date +%s.%N)
build_s=$(elapsed "$t0" "$t1")
EXE="$APP_DIR/actlab"
if [[ -f "$APP_DIR/actlab.exe" ]]; then EXE="$APP_DIR/actlab.exe"; fi  # Git Bash on Windows
[[ -x "$EXE" ]] || fail "no executable in $APP_DIR"

# The bundle must carry the resources where actlab/resources_path.py looks for them.
internal="$APP_DIR/_internal"
for f in resources/labs/circle-tanh.actlab resources/icons/actlab.svg \
         resources/icons/actlab-256.png actlab/resources/labs/circle-tanh.actlab; do
    [[ -e "$internal/$f" ]] || fail "missing from the bundle: _internal/$f"
done
# ... and none of what the spec excludes.
for bad in PySide6/Qt/translations PySide6/Qt/qml PySide6/QtNetwork.abi3.so \
           PySide6/QtQml.abi3.so PySide6/QtQuick.abi3.so tkinter matplotlib scipy; do
    [[ ! -e "$internal/$bad" ]] || fail "excluded file is in the bundle: _internal/$bad"
done

size_h=$(du -sh "$APP_DIR" | cut -f1)
size_mb=$(du -sm "$APP_DIR" | cut -f1)
echo "build_smoke: built in ${build_s} s; $APP_DIR is ${size_h} (${size_mb} MiB)"

echo "build_smoke: running QT_QPA_PLATFORM=offscreen $EXE --self-test"
t2=$(date +%s.%N)
set +e
out=$(QT_QPA_PLATFORM=offscreen "$EXE" --self-test 2>"build/self_test.stderr")
rc=$?
set -e
t3=$(date +%s.%N)
selftest_s=$(elapsed "$t2" "$t3")
echo "$out"
if [[ $rc -ne 0 ]]; then
    cat build/self_test.stderr >&2
    fail "the frozen self-test exited with status $rc"
fi
[[ "$out" == *"self-test passed"* ]] || fail "unexpected self-test output: $out"

echo "build_smoke: OK  build ${build_s} s | folder ${size_h} (${size_mb} MiB) |" \
     "frozen --self-test ${selftest_s} s from process start"
