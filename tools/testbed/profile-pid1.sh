#!/usr/bin/env bash
# profile-pid1.sh: one testbed storm with PID 1 profiled, and what each signal cost it.
#
#   sudo tools/testbed/profile-pid1.sh -o DIR [run-storm.sh options...]
#
# Runs run-storm.sh with the given options (its output in DIR/run), attaches
# `perf record -F 999 --call-graph dwarf,4096 -k CLOCK_MONOTONIC` to the container's PID 1 from
# the host once run-storm.sh has recorded it (after the boot), stops it when the storm ends,
# writes DIR/perf-script.txt (the samples with their call chains, symbols from the container's
# root) and prints tools/testbed/signal-costs.py DIR. Needs what run-storm.sh needs, and perf.
# docs/VALIDATION.md section 7 ("What each signal costs PID 1") gives what these printed:
#   sudo tools/testbed/profile-pid1.sh -o out/prof-252 --mounts 2148 --umount
#   sudo tools/testbed/profile-pid1.sh -o out/prof-257 --mounts 2148 --umount --root trixie
# Exit status 2 on bad arguments; 1 if the storm or perf fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "profile-pid1.sh: $1" >&2
  echo "usage: profile-pid1.sh -o DIR [run-storm.sh options...]" >&2
  exit 2
}

out=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || usage "-o: expected a directory"; out=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -n "$out" ] || usage "-o DIR is required"
command -v perf >/dev/null || usage "perf is not installed (apt-get install linux-perf)"
[ ! -e "$out" ] || usage "$out exists: give a new directory"
mkdir -p "$out"

"$here/run-storm.sh" "${args[@]}" -o "$out/run" >"$out/storm.log" 2>&1 &
storm=$!
# run-storm.sh records its container's PID 1 (the fact pid1_host_pid) once the container has
# booted, before the storm: take it from there rather than look for some systemd-nspawn.
pid1=
for _ in $(seq 1 6000); do  # up to 5 minutes (a Debian 13 root is built first)
  if ! kill -0 "$storm" 2>/dev/null; then break; fi
  pid1=$(awk -F'\t' '$1 == "pid1_host_pid" { print $2 }' "$out/run/raw/facts.tsv" 2>/dev/null || true)
  [ -n "$pid1" ] && break
  sleep 0.05
done
if [ -z "$pid1" ]; then
  status=0
  wait "$storm" || status=$?
  if [ "$status" = 2 ]; then  # run-storm.sh refused its arguments: say why, leave nothing
    cat "$out/storm.log" >&2
    rm -rf "$out"
    exit 2
  fi
  echo "profile-pid1.sh: no container PID 1 appeared (see $out/storm.log)" >&2
  exit 1
fi
perf record -q -F 999 --call-graph dwarf,4096 -k CLOCK_MONOTONIC -p "$pid1" -o "$out/perf.data" \
  >"$out/perf.log" 2>&1 &
perf_pid=$!
status=0
wait "$storm" || status=$?
kill -INT "$perf_pid" 2>/dev/null || true
wait "$perf_pid" || true
if [ "$status" != 0 ]; then
  echo "profile-pid1.sh: run-storm.sh failed with status $status (see $out/storm.log)" >&2
  exit 1
fi
if [ ! -s "$out/perf.data" ]; then
  echo "profile-pid1.sh: perf recorded nothing (see $out/perf.log)" >&2
  exit 1
fi
root=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["container"]["rootdir"])' "$out/run/meta.json")
if ! perf script -i "$out/perf.data" --symfs "$root" --no-inline -F comm,pid,tid,time,period,event,ip,sym \
  >"$out/perf-script.txt" 2>"$out/perf-script.log"; then
  echo "profile-pid1.sh: perf script failed (see $out/perf-script.log)" >&2
  exit 1
fi
python3 "$here/signal-costs.py" "$out"
