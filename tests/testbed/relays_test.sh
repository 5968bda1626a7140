#!/usr/bin/env bash
# The relay check's tools without root or a container: bad --relay-limit values and bad relay-table
# columns get exit 2 naming the argument before anything boots; relay-table.csv is valid; and
# tests/testbed/relays.csv is what tools/testbed/relays-csv.py makes of the committed runs under
# tests/testbed/relays/.
# Usage: relays_test.sh SRCDIR
set -euo pipefail
src=${1:?usage: relays_test.sh SRCDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
tb=$src/tools/testbed

# expect_2 WHAT PATTERN COMMAND...: exit status 2 and PATTERN in stderr.
expect_2() {
    local what=$1 pattern=$2 status=0
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    if [[ $status -ne 2 ]] || ! grep -q -- "$pattern" "$tmp/err"; then
        echo "FAIL $what: exit $status, stderr: $(head -c 300 "$tmp/err")" >&2
        fail=1
    fi
}
storm=$tb/run-storm.sh
expect_2 "unknown limit" "a limit name among" "$storm" --relay-limit max_bogus=1 -o "$tmp/run"
expect_2 "limit 0" "1..2147483647" "$storm" --relay-limit max_outgoing_bytes=0 -o "$tmp/run"
expect_2 "limit too large" "1..2147483647" "$storm" --relay-limit max_outgoing_bytes=2147483648 -o "$tmp/run"
expect_2 "limit not a number" "1..2147483647" "$storm" --relay-limit max_outgoing_bytes=64k -o "$tmp/run"
expect_2 "limit without value" "NAME=VALUE" "$storm" --relay-limit max_outgoing_bytes -o "$tmp/run"
expect_2 "limit twice" "at most once" "$storm" --relay-limit max_outgoing_bytes=1 --relay-limit max_outgoing_bytes=2 -o "$tmp/run"
expect_2 "--observer=1" "--observer" "$storm" --observer=1 -o "$tmp/run"
"$storm" --relay dbus-broker --relay-limit max_outgoing_bytes=65536 --relay-limit max_incoming_bytes=1 \
    --stalled-subscriber --observer --check-only -o "$tmp/run" || { echo "FAIL: valid limits rejected" >&2; fail=1; }
[[ -e $tmp/run ]] && { echo "FAIL: a checked or rejected run-storm left $tmp/run behind" >&2; fail=1; }

printf 'name,relay_limits\nx,max_outgoing_bytes\n' >"$tmp/t1.csv"
expect_2 "table relay_limits" "relay_limits" "$tb/run-table.sh" "$tmp/t1.csv" "$tmp/out1"
printf 'name,relay_limits\nx,max_bogus=5\n' >"$tmp/t2.csv"
expect_2 "table unknown limit" "a limit name among" "$tb/run-table.sh" "$tmp/t2.csv" "$tmp/out2"
printf 'name,observer\nx,2\n' >"$tmp/t3.csv"
expect_2 "table observer" "observer" "$tb/run-table.sh" "$tmp/t3.csv" "$tmp/out3"
expect_2 "relays-csv.py without runs" "expected directories" python3 "$tb/relays-csv.py"
expect_2 "relays-csv.py not a run" "expected directories" python3 "$tb/relays-csv.py" "$tmp"

# every row of relay-table.csv passes run-storm.sh --check-only (the table's own validation)
while IFS= read -r line; do
    [[ $line == relays-* ]] || continue
    IFS=, read -r name root relay mounts pause depth pre burst sub stalled umount limits observer extra <<<"$line"
    args=(--root "$root" --relay "$relay" --mounts "$mounts" --pause-ms "$pause" --depth "$depth"
        --preexisting "$pre" --burst "$burst")
    [[ $stalled == 1 ]] && args+=(--stalled-subscriber)
    [[ $umount == 1 ]] && args+=(--umount)
    [[ $observer == 1 ]] && args+=(--observer)
    for l in $limits; do args+=(--relay-limit "$l"); done
    # shellcheck disable=SC2206
    args+=($extra)
    "$storm" "${args[@]}" --check-only -o "$tmp/run-$name" 2>"$tmp/err" ||
        { echo "FAIL relay-table.csv row $name: $(cat "$tmp/err")" >&2; fail=1; }
done <"$tb/relay-table.csv"

# the committed CSV is what relays-csv.py makes of the committed runs
if compgen -G "$src/tests/testbed/relays/*/meta.json" >/dev/null; then
    python3 "$tb/relays-csv.py" -o "$tmp/relays.csv" "$src"/tests/testbed/relays/*/ ||
        { echo "FAIL: relays-csv.py on tests/testbed/relays/" >&2; fail=1; }
    diff -u "$src/tests/testbed/relays.csv" "$tmp/relays.csv" >&2 ||
        { echo "FAIL: tests/testbed/relays.csv differs from relays-csv.py tests/testbed/relays/*" >&2; fail=1; }
fi
if ((fail)); then echo "0 passed, 1 failed"; exit 1; fi
echo "1 passed, 0 failed"
