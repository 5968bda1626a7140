#!/usr/bin/env bash
# submit-sweep.sh: runs a mountstorm sweep on a Slurm cluster as a job array of SHARDS tasks
# (tools/slurm/mountstorm-sweep.sbatch), plus a merge job that starts when every task has
# succeeded and writes DIR/merged: the results.csv, results-long.csv, results.jsonl and aggregate.csv one
# unsharded `mountstorm sweep` would write.
#
#   tools/slurm/submit-sweep.sh SWEEP.json DIR SHARDS [sbatch options...]
#
# The sbatch options (--partition, --account, --time, --cpus-per-task, ...) go to both jobs; do
# not give --array. MOUNTSTORM_BIN names the mountstorm binary the jobs run (default: mountstorm
# on the compute node's PATH). DIR must be on a file system every node sees.
#
# Prints the two job ids on stdout ("ARRAY_JOB_ID MERGE_JOB_ID") and what was submitted on stderr.
# Each task's output goes to DIR/logs/. If a task fails, Slurm cancels the merge job
# (--kill-on-invalid-dep=yes); run this script again with the same arguments: the finished runs
# are kept, and each task does only what its shard directory lacks.
set -euo pipefail

usage() {  # [STATUS]
  cat >&2 <<'EOF'
usage: submit-sweep.sh SWEEP.json DIR SHARDS [sbatch options...]

  SWEEP.json  the sweep file
  DIR         output directory, seen by every node: DIR/shard-0 ... DIR/shard-SHARDS-1,
              DIR/merged (the merged results) and DIR/logs (Slurm's output files)
  SHARDS      number of array tasks (a positive integer)

  environment: MOUNTSTORM_BIN (default: mountstorm on the compute node's PATH)
  example:     submit-sweep.sh scenarios/sweeps/profiles.json out/profiles 8 --cpus-per-task=4
EOF
  exit "${1:-2}"
}

case "${1:-}" in -h | --help) usage 0 ;; esac
[ $# -ge 3 ] || usage
sweep=$1
dir=$2
shards=$3
shift 3
case "$shards" in
  '' | *[!0-9]* | 0*) echo "submit-sweep.sh: SHARDS: expected a positive integer, found '$shards'" >&2; usage ;;
esac
[ -f "$sweep" ] || { echo "submit-sweep.sh: $sweep: no such sweep file" >&2; usage; }
for opt in "$@"; do
  case "$opt" in
    -a | -a* | --array | --array=*) echo "submit-sweep.sh: do not pass $opt: the array is 0-$((shards - 1))" >&2; usage ;;
  esac
done
command -v sbatch >/dev/null || { echo "submit-sweep.sh: sbatch not found: is this a Slurm submit host?" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script=$here/mountstorm-sweep.sbatch
[ -f "$script" ] || { echo "submit-sweep.sh: $script is missing" >&2; exit 1; }

# Absolute paths: the jobs may start in another directory.
mkdir -p "$dir/logs"
dir=$(cd "$dir" && pwd)
sweep=$(cd "$(dirname "$sweep")" && pwd)/$(basename "$sweep")
mountstorm=${MOUNTSTORM_BIN:-mountstorm}
case "$mountstorm" in
  */*) mountstorm=$(cd "$(dirname "$mountstorm")" && pwd)/$(basename "$mountstorm") ;;
esac
if ! command -v "$mountstorm" >/dev/null; then
  echo "submit-sweep.sh: warning: $mountstorm is not found here; the jobs will fail unless the compute nodes have it" >&2
fi

# Quotes a word for the /bin/sh that runs --wrap.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

array_id=$(sbatch --parsable --array="0-$((shards - 1))" --job-name=mountstorm-sweep \
  --output="$dir/logs/sweep-%A_%a.out" "$@" "$script" "$sweep" "$dir" "$mountstorm")
array_id=${array_id%%;*}
if ! merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --job-name=mountstorm-merge --output="$dir/logs/merge-%j.out" "$@" \
  --wrap "exec $(shq "$mountstorm") merge -o $(shq "$dir/merged") $(shq "$dir")/shard-*"); then
  echo "submit-sweep.sh: the merge job was not submitted; the array job $array_id was: when it has finished, run" >&2
  echo "  $mountstorm merge -o $dir/merged $dir/shard-*" >&2
  exit 1
fi
merge_id=${merge_id%%;*}

echo "submitted array job $array_id ($shards tasks): $dir/shard-0 ... $dir/shard-$((shards - 1))" >&2
echo "submitted merge job $merge_id (starts when every task has succeeded): $dir/merged" >&2
echo "$array_id $merge_id"
