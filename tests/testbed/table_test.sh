#!/usr/bin/env bash
# The testbed table of docs/VALIDATION.md (section 7) is what the model computes today.
#
# Runs `mountstorm testbed-check` on the committed storms (tests/testbed/storms.csv: what a real
# systemd 252 and 257 did, recorded by tools/testbed/) and fails when the simulated column differs
# from the table committed in docs/VALIDATION.md (drift): a change of the model must come with the
# table it produces, whose "within" column says which storms are within the tolerances.
# To regenerate the table after an intended change:
#   build/mountstorm testbed-check tests/testbed/storms.csv --markdown
# and paste it between the testbed-table markers of docs/VALIDATION.md. It also checks that
# storms.csv is what tools/testbed/storms-csv.py makes of the committed runs (tests/testbed/runs/).
set -uo pipefail
bin=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# storms.csv is what tools/testbed/storms-csv.py makes of the committed runs (tests/testbed/runs/).
if command -v python3 >/dev/null; then
  (cd "$src/tests/testbed" && python3 ../../tools/testbed/storms-csv.py runs/rep1 runs/rep2 runs/rep3) >"$out/storms.csv" || exit 1
  if ! diff -q "$out/storms.csv" "$src/tests/testbed/storms.csv" >/dev/null; then
    echo "tests/testbed/storms.csv is not what tools/testbed/storms-csv.py makes of tests/testbed/runs/:" >&2
    diff "$src/tests/testbed/storms.csv" "$out/storms.csv" | head -20 >&2
    exit 1
  fi
fi
"$bin" testbed-check "$src/tests/testbed/storms.csv" --markdown >"$out/table.md" 2>"$out/misses.txt"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "testbed-check exited with status $status:" >&2
  cat "$out/misses.txt" >&2
  exit 1
fi
sed -n '/<!-- testbed-table:begin -->/,/<!-- testbed-table:end -->/p' "$src/docs/VALIDATION.md" |
  sed '1d;$d' >"$out/committed.md"
if ! [ -s "$out/committed.md" ]; then
  echo "docs/VALIDATION.md has no table between <!-- testbed-table:begin --> and <!-- testbed-table:end -->" >&2
  exit 1
fi
if ! diff -u "$out/committed.md" "$out/table.md" >"$out/diff.txt"; then
  echo "the testbed table of docs/VALIDATION.md is not what the model computes (- committed, + now):" >&2
  cat "$out/diff.txt" >&2
  echo "regenerate it: $bin testbed-check tests/testbed/storms.csv --markdown" >&2
  exit 1
fi
within=$(awk -F'|' '/^\| [0-9]/ && $12 ~ /yes/' "$out/table.md" | wc -l)
some_run=$(awk -F'|' '/^\| [0-9]/ && ($13 ~ /yes/ || ($13 ~ /-/ && $12 ~ /yes/))' "$out/table.md" | wc -l)
echo "testbed table as committed: $within of $(grep -c '^| [0-9]' "$out/table.md") storms within tolerance," \
  "$some_run within the tolerances of some run"
if [ "$status" -eq 3 ]; then cat "$out/misses.txt"; fi
