#!/usr/bin/env bash
# Bad arguments of the testbed's tools and of `mountstorm testbed-check` get exit status 2 and a
# message naming the argument, before anything is booted or run (no root, no container needed).
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect_2 WHAT PATTERN COMMAND...: exit status 2 and PATTERN in stderr.
expect_2() {
  local what=$1 pattern=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  if [ "$status" -ne 2 ] || ! grep -q -- "$pattern" "$tmp/err"; then
    echo "FAIL $what: exit $status, stderr: $(head -c 300 "$tmp/err")" >&2
    fail=1
  fi
}

storm="$src/tools/testbed/run-storm.sh"
expect_2 "run-storm --mounts abc" "--mounts" "$storm" --mounts abc -o "$tmp/run"
expect_2 "run-storm --mounts 0" "--mounts" "$storm" --mounts 0 -o "$tmp/run"
expect_2 "run-storm --pause-ms -1" "--pause-ms" "$storm" --pause-ms -1 -o "$tmp/run"
expect_2 "run-storm --depth 0" "--depth" "$storm" --depth 0 -o "$tmp/run"
expect_2 "run-storm --burst x" "--burst" "$storm" --burst x -o "$tmp/run"
expect_2 "run-storm --root nowhere" "--root" "$storm" --root nowhere -o "$tmp/run"
expect_2 "run-storm --relay foo" "--relay" "$storm" --relay foo -o "$tmp/run"
expect_2 "run-storm unknown option" "--bogus" "$storm" --bogus
[ -e "$tmp/run" ] && { echo "FAIL: a rejected run-storm left $tmp/run behind" >&2; fail=1; }

prof="$src/tools/testbed/profile-pid1.sh"
expect_2 "profile-pid1 without -o" "-o DIR" "$prof" --mounts 3
if command -v perf >/dev/null; then  # without perf it stops before running run-storm.sh
  expect_2 "profile-pid1 bad storm option" "--mounts" "$prof" -o "$tmp/prof" --mounts abc
  [ -e "$tmp/prof" ] && { echo "FAIL: a rejected profile-pid1 left $tmp/prof behind" >&2; fail=1; }
fi
expect_2 "signal-costs.py without a directory" "expected one directory" python3 "$src/tools/testbed/signal-costs.py"
expect_2 "signal-costs.py missing directory" "meta.json" python3 "$src/tools/testbed/signal-costs.py" "$tmp/none"

expect_2 "storms-csv.py without a directory" "expected directories" python3 "$src/tools/testbed/storms-csv.py"
expect_2 "storms-csv.py missing directory" "expected directories" python3 "$src/tools/testbed/storms-csv.py" "$tmp/none"

# testbed-check: a file that is not a storms CSV, a field that is not a number, a missing column.
head -1 "$src/tests/testbed/storms.csv" >"$tmp/header.csv"
expect_2 "testbed-check missing file" "$tmp/none.csv" "$bin" testbed-check "$tmp/none.csv"
expect_2 "testbed-check header only" "no storms" "$bin" testbed-check "$tmp/header.csv"
sed '2s/^\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),[0-9]*,/\1,\2,\3,\4,many,/' "$src/tests/testbed/storms.csv" | head -2 >"$tmp/bad-mounts.csv"
expect_2 "testbed-check mounts=many" "column mounts" "$bin" testbed-check "$tmp/bad-mounts.csv"
cut -d, -f1-5 "$src/tests/testbed/storms.csv" | head -2 >"$tmp/narrow.csv"
expect_2 "testbed-check missing columns" "no column" "$bin" testbed-check "$tmp/narrow.csv"
expect_2 "testbed-check two formats" "at most one" "$bin" testbed-check "$src/tests/testbed/storms.csv" --csv --json
expect_2 "testbed-check unknown storm" "no storm named" "$bin" testbed-check "$src/tests/testbed/storms.csv" --storm nope

exit $fail
