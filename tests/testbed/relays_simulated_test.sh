#!/usr/bin/env bash
# The simulated column of docs/VALIDATION.md section 8: runs the model on each relay-check storm
# (scenarios/testbed/relays/*.json) and compares what the stalled subscriber got, what was dropped
# for it and whom dbus-broker cut with tests/testbed/relays-simulated.txt (drift). First it checks that
# the scenarios are still what tools/testbed/relay-scenarios.py makes of tests/testbed/relays/.
# Regenerate with
#   tools/testbed/relay-scenarios.py tests/testbed/relays scenarios/testbed/relays
#   tests/testbed/relays_simulated_test.sh build/mountstorm . --print > tests/testbed/relays-simulated.txt
set -euo pipefail
bin=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 "$src/tools/testbed/relay-scenarios.py" "$src/tests/testbed/relays" "$out/scenarios"
if ! diff -r "$out/scenarios" "$src/scenarios/testbed/relays" >&2; then
  echo "scenarios/testbed/relays/ is not what tools/testbed/relay-scenarios.py makes of tests/testbed/relays/" >&2
  exit 1
fi
for f in "$src"/scenarios/testbed/relays/*.json; do
  n=$(basename "$f" .json)
  "$bin" run "$f" -o "$out/$n" -q
  python3 - "$n" "$out/$n/summary.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
s = json.load(open(path))
m = s["messages"]["stalled"]
cuts = ", ".join("%s %.3f s %s after %d" % (d["peer"], d["at_s"], d["cause"], d["messages"])
                 for d in s.get("relay", {}).get("disconnects", []))
print("%s: stalled received %d, dropped %d; cut: %s" % (name, m["received"], m["dropped"]["full_queue"], cuts or "nobody"))
PY
done >"$out/now.txt"
if [ "${3:-}" = "--print" ]; then cat "$out/now.txt"; exit 0; fi
if ! diff -u "$src/tests/testbed/relays-simulated.txt" "$out/now.txt"; then
  echo "the relay check's simulated figures moved: update docs/VALIDATION.md section 8 and regenerate" >&2
  exit 1
fi
