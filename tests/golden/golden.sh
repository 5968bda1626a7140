#!/usr/bin/env bash
# Golden outputs: every output of every shipped scenario, sweep and command, reduced to one SHA-256
# per file, so that a change meant to keep behaviour (a refactoring) is checked byte for byte.
#
#   golden.sh MOUNTSTORM SOURCE_DIR OUT_DIR      write every output under OUT_DIR, then
#                                                OUT_DIR/outputs.sha256 (one line per file)
#   golden.sh --check MOUNTSTORM SOURCE_DIR      the same in a temporary directory, compared with
#                                                SOURCE_DIR/tests/golden/outputs.sha256
#
# What runs: `run` on every scenarios/*.json (summary.json, curves.csv, events.csv, measures.json,
# measures.csv, scenario.json, manifest.json and what it prints), `validate` and `graph` on each; `run` again on the
# scenario.json of a run made with --set, --seed and --profile (its files must hash alike); both shipped sweeps (scenarios/sweeps/*.json) whole and
# in 3 shards merged; plot and report of a run and of a sweep (lines and heat map); compare;
# headroom, critical, size and scaling; traces (pcap and text); params, profiles, patches, every
# command's --help, and a few refusals (their message and exit status). The wall time a run prints
# on stderr is left out; everything else on stdout and stderr is kept, with the exit status.
# manifest.json records the command line (paths relative to OUT, so the same everywhere), the
# version and SHA-256 hashes: no time and no absolute path, so it is hashed like the rest.
#
# A difference means an output changed. To see which bytes, run this script with the old and the
# new binary into two directories and diff them. When an output is meant to change (a model
# change), regenerate the list and say why in the commit:
#   tests/golden/golden.sh build/mountstorm . /tmp/golden && cp /tmp/golden/outputs.sha256 tests/golden/
set -euo pipefail

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
BIN=$(readlink -f "${1:?usage: golden.sh [--check] MOUNTSTORM SOURCE_DIR [OUT_DIR]}")
SRC=$(readlink -f "${2:?usage: golden.sh [--check] MOUNTSTORM SOURCE_DIR [OUT_DIR]}")
if [ "$check" = 1 ]; then
  OUT=$(mktemp -d "${TMPDIR:-/tmp}/mountstorm-golden.XXXXXX")
  trap 'rm -rf "$OUT"' EXIT
else
  OUT=${3:?usage: golden.sh MOUNTSTORM SOURCE_DIR OUT_DIR}
  mkdir -p "$OUT"
  OUT=$(readlink -f "$OUT")
fi

# Paths in the outputs are relative to OUT, where scenarios/ is a link to the shipped ones.
cd "$OUT"
ln -sfn "$SRC/scenarios" scenarios
mkdir -p text

# cmd NAME ARGS...: runs mountstorm ARGS, keeping stdout, stderr (without the wall time) and status.
cmd() {
  local name=$1
  shift
  local status=0
  "$BIN" "$@" >"text/$name.out" 2>"text/$name.err.raw" || status=$?
  grep -v '^(wall time ' "text/$name.err.raw" >"text/$name.err" || true
  rm -f "text/$name.err.raw"
  echo "$status" >"text/$name.status"
}

for s in scenarios/*.json; do
  n=$(basename "$s" .json)
  cmd "run-$n" run "$s" -o "runs/$n"
  cmd "validate-$n" validate "$s"
  cmd "graph-$n" graph "$s"
done
cmd run-set run scenarios/incident-storm.json -o runs/set --set /workload/0/count=300 --seed 7 --profile v245
cmd run-quiet run scenarios/incident-single-mount.json -o runs/quiet -q
cmd run-reproduce run runs/set/scenario.json -o runs/set-again -q
for f in summary.json curves.csv events.csv measures.json measures.csv scenario.json; do
  cmp -s "runs/set/$f" "runs/set-again/$f" || { echo "golden: runs/set-again/$f differs from runs/set/$f" >&2; exit 1; }
done

cmd run-stdout run scenarios/incident-single-mount.json -o -

for s in scenarios/sweeps/*.json; do
  n=$(basename "$s" .json)
  cmd "validate-sweep-$n" validate "$s"
  cmd "sweep-$n" sweep "$s" -o "sweeps/$n" --jobs 2 -q
  for i in 0 1 2; do cmd "sweep-$n-shard$i" sweep "$s" -o "sweeps/$n-shard$i" --shard "$i/3" --jobs 2 -q; done
  cmd "merge-$n" merge -o "sweeps/$n-merged" "sweeps/$n-shard0" "sweeps/$n-shard1" "sweeps/$n-shard2"
  rm -rf "sweeps/$n-shard0" "sweeps/$n-shard1" "sweeps/$n-shard2"
done

mkdir -p plots reports
cmd plot-run plot runs/incident-enobufs -o plots/enobufs.svg
cmd plot-run-single plot runs/incident-single-mount -o plots/single.svg
cmd plot-sweep plot sweeps/queue-limit-vs-storm -o plots/sweep.svg
cmd plot-heatmap plot sweeps/queue-limit-vs-storm -o plots/heatmap.svg --heatmap
cmd plot-profiles plot sweeps/profiles -o plots/profiles.svg
cmd report-run report runs/incident-enobufs -o reports/enobufs.html
cmd report-sweep report sweeps/queue-limit-vs-storm -o reports/sweep.html

cmd compare-v248 compare scenarios/incident-storm.json --a rhel7.7 --b v248 -o compare/v248
cmd compare-enobufs compare scenarios/incident-enobufs.json --a rhel7.7 --b v248 --json
cmd compare-patch compare scenarios/incident-storm.json --b '{"name": "ratelimit", "burst": 5}'
cmd compare-bare compare scenarios/incident-storm.json --b ratelimit --set /workload/0/count=300
cmd compare-files compare scenarios/pr15233-before.json scenarios/pr15233-after.json -o compare/files

cmd headroom headroom scenarios/incident-enobufs.json
cmd headroom-json headroom scenarios/incident-enobufs.json --json
cmd critical critical scenarios/incident-enobufs.json --axis /workload/0/count --to 4000
cmd size size scenarios/incident-enobufs.json --queue systemd.wqueue
cmd size-json size scenarios/incident-enobufs.json --queue dbus.out.logind --json
cmd scaling scaling scenarios/steady-nfs-storm.json --axis /workload/0/count --from 100 --to 1600

cmd trace-pcap run scenarios/incident-single-mount.json -o runs/traced --trace traces/single.pcap
cmd trace-text run scenarios/incident-single-mount.json -o runs/traced-text --trace traces/single.txt --trace-text
cmd trace-window run scenarios/incident-enobufs.json -o runs/traced-window --trace traces/window.pcap \
  --trace-window 20:20.5 --trace-max 5000 -q

cmd params params
cmd params-json params --json
cmd params-v248 params --profile v248
cmd profiles profiles
cmd profiles-json profiles --json
cmd patches patches
cmd version --version
cmd help --help
cmd no-command
for c in run validate params profiles plot report graph patches compare headroom critical size scaling sweep merge; do
  cmd "help-$c" "$c" --help
done

# Refusals: the message and the exit status.
cmd bad-command frobnicate
cmd bad-file run scenarios/no-such.json -o runs/none
cmd bad-set run scenarios/incident-storm.json -o runs/none --set /systemd/wqueue_max=-1
cmd bad-key run scenarios/incident-storm.json -o runs/none --set /systemd/wqeue_max=5
cmd bad-seed run scenarios/incident-storm.json -o runs/none --seed -1
cmd bad-queue size scenarios/incident-enobufs.json --queue no.such.queue
cmd bad-plot plot scenarios -o plots/none.svg

rm -f scenarios
find . -type f ! -name outputs.sha256 -print0 | LC_ALL=C sort -z | xargs -0 sha256sum >outputs.sha256

if [ "$check" = 1 ]; then
  if diff -u "$SRC/tests/golden/outputs.sha256" outputs.sha256; then
    echo "golden: $(wc -l <outputs.sha256) outputs identical"
  else
    echo "golden: outputs differ from tests/golden/outputs.sha256 (lines with - are expected, + are found);"
    echo "golden: regenerate both with golden.sh OLD_BINARY and NEW_BINARY and diff the directories"
    exit 1
  fi
fi
