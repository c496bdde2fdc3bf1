#!/usr/bin/env bash
# Build the one-folder ActLab app with PyInstaller and smoke-test the frozen result.
#
#   packaging/build_smoke.sh [SPEC]        (SPEC defaults to actlab.spec)
#
# Steps: `pyinstaller --noconfirm --clean SPEC`, check the bundle layout, then run
# `dist/actlab/actlab --self-test` headless (QT_QPA_PLATFORM=offscreen) and check its one
# line, then start the window (offscreen) with a lab file handed over as a QFileOpenEvent,
# as Finder does, and check it opened.  On Windows the console twin `actlab-cli.exe` runs
# both (the windowed `actlab.exe` has no stdout).  Prints the build time, the folder size,
# its file count and the self-test's wall time measured from process start.  Exits
# non-zero when any step fails.
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
if [[ -f "$APP_DIR/actlab.exe" ]]; then  # Git Bash on Windows: the console twin prints
    [[ -f "$APP_DIR/actlab-cli.exe" ]] || fail "no actlab-cli.exe beside actlab.exe"
    EXE="$APP_DIR/actlab-cli.exe"
fi
[[ -x "$EXE" ]] || fail "no executable in $APP_DIR"
if [[ "$(uname -s)" == Darwin ]]; then
    [[ -x dist/ActLab.app/Contents/MacOS/actlab ]] || fail "no dist/ActLab.app"
    grep -q "org.actlab.lab" dist/ActLab.app/Contents/Info.plist \
        || fail "Info.plist does not declare .actlab files"
fi

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
files=$(find "$APP_DIR" -type f | wc -l | tr -d ' ')
echo "build_smoke: built in ${build_s} s; $APP_DIR is ${size_h} (${size_mb} MiB, ${files} files)"

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

# A lab handed over as macOS hands a double-clicked file: a QFileOpenEvent to the app.
probe="build/open_event"
rm -rf "$probe" && mkdir -p "$probe"
cp "$internal/resources/labs/xor-needs-nonlinearity.actlab" "$probe/handed-over.actlab"
lab="$(cd "$probe" && pwd)/handed-over.actlab"
if command -v cygpath >/dev/null; then lab=$(cygpath -w "$lab"); fi  # Git Bash on Windows
echo "build_smoke: starting the window with a QFileOpenEvent for $probe/handed-over.actlab"
set +e
opened=$(ACTLAB_SETTINGS_DIR="$probe/settings" ACTLAB_LOG_DIR="$probe/logs" ACTLAB_QUIT_AFTER_SHOW=1 \
         ACTLAB_OPEN_EVENT="$lab" QT_QPA_PLATFORM=offscreen "$EXE" 2>"$probe/stderr")
rc=$?
set -e
[[ $rc -eq 0 ]] || { cat "$probe/stderr" >&2; fail "the window exited with status $rc"; }
[[ "$opened" == *"opened="*"handed-over.actlab"* ]] \
    || fail "the QFileOpenEvent did not open the lab: ${opened:-no output}"
echo "build_smoke: the QFileOpenEvent opened the lab"

echo "build_smoke: OK  build ${build_s} s | folder ${size_h} (${size_mb} MiB, ${files} files) |" \
     "frozen --self-test ${selftest_s} s from process start"
