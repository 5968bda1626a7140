#!/usr/bin/env bash
# The installed package works from another project: `cmake --install` of this build into a
# temporary prefix, then examples/run_scenario configured with find_package(mountstorm), built,
# and run on a shipped scenario; the summary.json it writes must be the bytes `mountstorm run`
# writes for the same scenario.
#
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(readlink -f "${1:?usage: install_test.sh BUILD_DIR SOURCE_DIR}")
src=$(readlink -f "${2:?usage: install_test.sh BUILD_DIR SOURCE_DIR}")
work=$(mktemp -d "${TMPDIR:-/tmp}/mountstorm-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
test -f "$work/prefix/include/mountstorm/run.h" || { echo "FAIL: no public headers installed"; exit 1; }
if grep -rh '^#include' "$work/prefix/include/mountstorm" | grep -v '^#include <[a-z_]*>$\|^#include "mountstorm/'; then
  echo "FAIL: an installed public header includes an internal or third-party header (above)"; exit 1
fi
cmake -S "$src/examples/run_scenario" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/example" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/example/run_scenario" "$src/scenarios/incident-single-mount.json" "$work/example-summary.json"
"$work/prefix/bin/mountstorm" run "$src/scenarios/incident-single-mount.json" -o "$work/run" -q
cmp "$work/example-summary.json" "$work/run/summary.json" || { echo "FAIL: summaries differ"; exit 1; }
echo "ok: examples/run_scenario built against the installed package; its summary.json equals mountstorm run's"
