# shellcheck shell=bash
# The small sweep both scale-out tests shard (parallel_sweep_test.sh, slurm_sweep_test.sh), and the
# checks of its shards and of their merge. Sourced; the caller defines fail().
#
# 3 storm rates x 2 profiles x 2 replications = 12 runs: 4 per shard in 3 shards, well under a second.
SWEEP_RUNS=12
SWEEP_SHARDS=3

# write_test_sweep DIR NAME SOURCE_DIR: DIR/sweep.json (named NAME) and its base scenario.
write_test_sweep() {
  local dir=$1 name=$2 src=$3
  cp "$src/scenarios/poisson-automounts.json" "$dir/base.json"
  cat >"$dir/sweep.json" <<EOF
{
  "name": "$name",
  "description": "Poisson automounts at three rates on two systemd versions.",
  "base": "base.json",
  "seed": 42,
  "replications": 2,
  "axes": [
    {"path": "/workload/0/rate_per_s", "values": [2, 5, 10]},
    {"path": "/profile", "values": ["rhel7.7", "v248"]}
  ]
}
EOF
}

# check_shards OUT: OUT/shard-* are the 3 shards, each with a third of the runs, none run twice.
check_shards() {
  local out=$1 d n shards=0
  for d in "$out"/shard-*; do
    n=$(find "$d/runs" -name '*.json' 2>/dev/null | wc -l)
    [ "$n" -eq $((SWEEP_RUNS / SWEEP_SHARDS)) ] ||
      fail "$d holds $n runs, expected $((SWEEP_RUNS / SWEEP_SHARDS)) ($SWEEP_RUNS runs in $SWEEP_SHARDS shards)"
    shards=$((shards + 1))
  done
  [ "$shards" -eq "$SWEEP_SHARDS" ] || fail "$out: $shards shard directories, expected $SWEEP_SHARDS"
  [ "$(find "$out"/shard-*/runs -name '*.json' -printf '%f\n' | sort | uniq -d | wc -l)" -eq 0 ] ||
    fail "$out: a run was run by more than one shard"
}

# check_merged REFERENCE MERGED: the merged tables are the single-machine sweep's, byte for byte.
check_merged() {
  local reference=$1 merged=$2 f rows
  for f in results.csv results.jsonl aggregate.csv sweep.json; do
    [ -f "$merged/$f" ] || fail "$merged/$f was not written"
    if ! cmp "$reference/$f" "$merged/$f"; then
      diff "$reference/$f" "$merged/$f" | head -n 20 || true
      fail "$merged/$f differs from the single-machine sweep's"
    fi
  done
  rows=$(($(wc -l <"$merged/results.csv") - 1))
  [ "$rows" -eq "$SWEEP_RUNS" ] || fail "$merged/results.csv has $rows rows, expected $SWEEP_RUNS"
}
