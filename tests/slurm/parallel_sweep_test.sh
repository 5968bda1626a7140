#!/usr/bin/env bash
# The shard/merge path of sweeps without a cluster: GNU parallel runs the 3 shards of a small
# sweep as separate processes, `mountstorm merge` combines their directories, and the merged files
# must equal byte for byte those of one `mountstorm sweep` on this machine. Done three times, with
# the shard chosen by each of the ways a shard can be chosen:
#   --shard I/3                                     (the flag)
#   SLURM_ARRAY_TASK_ID=I+1, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1  (a Slurm array 1-3)
#   JOB_COMPLETION_INDEX=I, MOUNTSTORM_SHARDS=3     (a Kubernetes indexed Job)
#
#   parallel_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR
#
# Exit status: 0 pass, 1 failure, 77 skipped (GNU parallel is not installed).
set -euo pipefail

mountstorm=${1:?usage: parallel_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR}
src=${2:?usage: parallel_sweep_test.sh MOUNTSTORM_BINARY SOURCE_DIR}
mountstorm=$(cd "$(dirname "$mountstorm")" && pwd)/$(basename "$mountstorm")
src=$(cd "$src" && pwd)

if ! command -v parallel >/dev/null 2>&1 || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
  echo "SKIP: GNU parallel is not installed (apt-get install parallel; tools/install-deps.sh does)"
  exit 77
fi

# The test decides the shards itself: nothing may leak in from a surrounding Slurm job or Pod.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^SLURM_' || true)
unset JOB_COMPLETION_INDEX MOUNTSTORM_SHARDS

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
fail() {
  echo "FAIL: $*"
  exit 1
}

# shellcheck source=tests/slurm/sweep_lib.sh
. "$src/tests/slurm/sweep_lib.sh"
write_test_sweep "$work" parallel-test "$src"
cd "$work"
"$mountstorm" sweep sweep.json -o reference --jobs 2 --quiet || fail "the single-machine sweep failed"
export MOUNTSTORM=$mountstorm

check() {  # NAME: checks the shards NAME/shard-* and compares their merge with the reference
  local name=$1
  check_shards "$name"
  "$mountstorm" merge -o "$name/merged" "$name"/shard-* >/dev/null || fail "$name: mountstorm merge failed"
  check_merged reference "$name/merged"
  echo "ok: $name"
}

# shellcheck disable=SC2016 # the single-quoted commands are expanded by the shell parallel starts
{
  parallel --will-cite --halt now,fail=1 -j 3 '"$MOUNTSTORM" sweep sweep.json -o flag/shard-{} --jobs 1 --quiet --shard {}/3' ::: 0 1 2 ||
    fail "parallel: a shard failed (--shard)"
  check flag

  parallel --will-cite --halt now,fail=1 -j 3 \
    'SLURM_ARRAY_TASK_ID={} SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 "$MOUNTSTORM" sweep sweep.json -o slurm/shard-{} --jobs 1 --quiet' \
    ::: 1 2 3 || fail "parallel: a shard failed (SLURM_ARRAY_TASK_*)"
  check slurm

  parallel --will-cite --halt now,fail=1 -j 3 \
    'JOB_COMPLETION_INDEX={} MOUNTSTORM_SHARDS=3 "$MOUNTSTORM" sweep sweep.json -o k8s/shard-{} --jobs 1 --quiet' \
    ::: 0 1 2 || fail "parallel: a shard failed (JOB_COMPLETION_INDEX)"
  check k8s
}

# A merge that lacks a shard must fail, not write partial tables.
if "$mountstorm" merge -o partial flag/shard-0 flag/shard-1 >/dev/null 2>&1; then
  fail "mountstorm merge succeeded with a shard missing"
fi
[ ! -e partial/results.csv ] || fail "mountstorm merge wrote partial/results.csv with a shard missing"

echo "PASS: 3 shards run by GNU parallel (chosen by --shard, by SLURM_ARRAY_TASK_*, by JOB_COMPLETION_INDEX) merge into exactly the single-machine results"
