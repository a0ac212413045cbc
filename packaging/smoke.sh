#!/usr/bin/env bash
# Smoke-test the built artefacts: each starts offscreen, opens the default experiment, trains
# 100 steps, exports the decision plot as PNG and quits with status 0 within $LIMIT seconds.
#
#     bash packaging/smoke.sh dist/backprop_workbench-0.1.0-py3-none-any.whl [dist/backprop-workbench]
#
# The wheel goes into a fresh venv (build/smoke-venv, a regular non-editable install) and is
# run from outside the checkout, so the data it finds is the installed copy. Also checks the
# .desktop entry and the AppStream metainfo when desktop-file-validate / appstreamcli exist.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
LIMIT=${LIMIT:-120}
ID=org.backpropworkbench.BackpropWorkbench
wheel=${1:?usage: smoke.sh WHEEL [BUNDLE_DIR]}
bundle=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export QT_QPA_PLATFORM=offscreen

check() {  # NAME EXECUTABLE: the smoke run, the bundled datasets and experiments
  local name=$1 exe=$2 start=$SECONDS
  (cd "$out" && timeout "$LIMIT" "$exe" --smoke-test "$out/$name.png")
  [ -s "$out/$name.png" ] || { echo "$name: no PNG written" >&2; exit 1; }
  local listed
  listed=$(cd "$out" && "$exe" datasets)  # (not piped into grep -q: pipefail would see SIGPIPE)
  grep -q "digits" <<<"$listed" || { echo "$name: bundled datasets not found" >&2; exit 1; }
  echo "$name: smoke run passed in $((SECONDS - start)) s"
}

if command -v desktop-file-validate >/dev/null; then desktop-file-validate "packaging/$ID.desktop"; fi
if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net --strict "packaging/$ID.metainfo.xml"; fi

venv=build/smoke-venv
rm -rf "$venv"
"$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install -q "$wheel"
share="$ROOT/$venv/share"
for f in "backprop-workbench/experiments/default.json" "backprop-workbench/datasets/iris.csv" \
         "icons/hicolor/scalable/apps/$ID.svg" "icons/hicolor/48x48/apps/$ID.png" "applications/$ID.desktop" \
         "metainfo/$ID.metainfo.xml"; do
  [ -f "$share/$f" ] || { echo "wheel: $f not installed" >&2; exit 1; }
done
(cd "$out" && "$ROOT/$venv/bin/backprop-workbench" train "$share/backprop-workbench/experiments/xor_tanh.json" \
   --steps 10 --out "$out/xor" --quiet)
check wheel "$ROOT/$venv/bin/backprop-workbench"

if [ -n "$bundle" ]; then
  check bundle "$(cd "$bundle" && pwd)/backprop-workbench"
fi
echo "smoke: all passed"
