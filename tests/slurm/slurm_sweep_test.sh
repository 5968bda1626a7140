#!/usr/bin/env bash
# End-to-end test of sharded sweeps on a real Slurm cluster: starts a single-node cluster
# (single-node.sh: munged, slurmctld and slurmd in a temporary directory), submits a small sweep
# with tools/slurm/submit-sweep.sh as a 3-task job array plus the dependent merge job, waits for
# both, and checks that DIR/merged holds byte for byte the files one `mountstorm sweep` of the same
# sweep on this machine writes.
#
#   slurm_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR
#
# Exit status: 0 pass; 1 failure (with the tails of the daemon logs and the jobs' output);
# 77 skipped: not root, or slurm-wlm / munge not installed (tools/install-deps.sh installs them).
set -euo pipefail

mountstorm=${1:?usage: slurm_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR}
src=${2:?usage: slurm_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR}
mountstorm=$(cd "$(dirname "$mountstorm")" && pwd)/$(basename "$mountstorm")
src=$(cd "$src" && pwd)
SN=$src/tests/slurm/single-node.sh
# shellcheck source=tests/slurm/sweep_lib.sh
. "$src/tests/slurm/sweep_lib.sh"
SHARDS=$SWEEP_SHARDS
WAIT_S=${SLURM_SWEEP_TEST_WAIT_S:-120}

skip() {
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root: the single-node cluster runs slurmctld, slurmd and the jobs as root"
for t in slurmctld slurmd sbatch squeue scontrol scancel sinfo munged mungekey munge unmunge; do
  command -v "$t" >/dev/null 2>&1 || skip "$t not found: install slurm-wlm and munge (tools/install-deps.sh)"
done
command -v ss >/dev/null 2>&1 || skip "ss not found: install iproute2 (tools/install-deps.sh)"

# The test decides the shards itself: nothing may leak in from a surrounding Slurm job or Pod.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM_|SBATCH_|SQUEUE_|SN_)' || true)
unset JOB_COMPLETION_INDEX MOUNTSTORM_SHARDS

t0=$(date +%s.%N)
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Everything in one directory under /tmp (munged's socket needs o+x on every parent directory).
work=$(mktemp -d /tmp/mountstorm-slurm-test.XXXXXX)
chmod 711 "$work"
cluster=$work/cluster
started=0
cleanup() {
  local rc=$?
  if [ "$started" = 1 ]; then "$SN" stop "$cluster" || rc=1; fi
  if [ "$rc" -eq 0 ] || [ -z "${KEEP_FAILED:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP # so that the EXIT trap stops the cluster

fail() {
  echo "FAIL: $*"
  local f
  for f in "$cluster/munge/munged.log" "$cluster/log/slurmctld.log" "$cluster/log/slurmd.log" "$work"/out/logs/*; do
    [ -f "$f" ] || continue
    echo "----- last lines of ${f#"$work"/} -----"
    tail -n 30 "$f"
  done
  exit 1
}

env=$("$SN" start "$cluster") || fail "the single-node cluster did not start"
started=1
eval "$env"
echo "cluster up after $(elapsed) s"

# The small sweep of sweep_lib.sh: 12 runs, well under a second.
write_test_sweep "$work" slurm-test "$src"

# Submit right away: a fresh slurmctld schedules its first job ~3 s after it starts anyway.
ids=$(cd "$work" && MOUNTSTORM_BIN=$mountstorm "$src/tools/slurm/submit-sweep.sh" sweep.json out "$SHARDS") ||
  fail "submit-sweep.sh failed"
read -r array_id merge_id <<<"$ids"
if [ -z "$array_id" ] || [ -z "$merge_id" ]; then fail "submit-sweep.sh printed '$ids', expected two job ids"; fi

# The single-machine reference, while Slurm schedules.
(cd "$work" && "$mountstorm" sweep sweep.json -o reference --jobs 2 --quiet) || fail "the single-machine sweep failed"

# squeue lists a job until it has finished (or failed); an empty answer means both are done.
deadline=$(awk -v a="$(date +%s)" -v w="$WAIT_S" 'BEGIN { print a + w }')
while [ -n "$(squeue -h -j "$array_id,$merge_id" 2>/dev/null || echo listed)" ]; do
  if [ "$(date +%s)" -gt "$deadline" ]; then
    squeue -j "$array_id,$merge_id" || true
    fail "the jobs did not finish within $WAIT_S s"
  fi
  sleep 0.2
done
echo "array job $array_id and merge job $merge_id finished after $(elapsed) s"

# Every task and the merge job completed (scontrol keeps finished jobs for MinJobAge, 300 s).
for id in "$array_id" "$merge_id"; do
  states=$(scontrol -o show job "$id" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
  [ "$(scontrol -o show job "$id" | grep -c .)" -ge 1 ] || fail "scontrol knows no job $id"
  if scontrol -o show job "$id" | grep -v -q 'JobState=COMPLETED'; then fail "job $id: $states"; fi
done
tasks=$(scontrol -o show job "$array_id" | grep -c 'JobState=COMPLETED')
[ "$tasks" -eq "$SHARDS" ] || fail "array job $array_id: $tasks tasks completed, expected $SHARDS"

# The array really was sharded (a third of the runs per shard, none twice), and the merged result
# is the single-machine result, byte for byte.
check_shards "$work/out"
check_merged "$work/reference" "$work/out/merged"

echo "PASS: a $SHARDS-task Slurm array and its merge job wrote exactly the single-machine results ($SWEEP_RUNS runs) in $(elapsed) s"
