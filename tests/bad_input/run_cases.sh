#!/usr/bin/env bash
# The bad-input corpus (issue 16): every case of tests/bad_input/cases.tsv run against mountstorm.
#
# A case is one line of cases.tsv, four fields separated by tabs:
#   NAME  STATUS  MESSAGE  ARGUMENTS
# ARGUMENTS are mountstorm's arguments separated by single spaces (no quoting; an argument holds no
# space), with @IN@ standing for a copy of tests/bad_input/inputs/, @SRC@ for the source tree and
# @OUT@ for a path that does not exist. The case passes when mountstorm exits with STATUS, stderr
# holds MESSAGE (a fixed string, in which @IN@, @SRC@ and @OUT@ are replaced too), and nothing was
# written: @OUT@ (and anything starting with it) does not exist afterwards and the copy of the
# inputs is as it was. For exit status 2 the message must also start with "mountstorm: ", its
# first line must not call it an internal error, and stdout must be empty. Each case runs with at
# most 60 s of CPU time and, unless BAD_INPUT_NO_MEMORY_LIMIT=1 (sanitizer builds reserve much
# address space), 2 GB of address space, so a case that reads without end fails instead of
# filling the machine.
#
# usage: run_cases.sh MOUNTSTORM SOURCE_DIR [--show] [NAME ...]
#   --show   print each case's exit status and stderr instead of checking it
#   NAME     only these cases
# exit status: 0 every case passed, 1 a case failed, 2 bad arguments.
set -uo pipefail
if (($# < 2)); then
  echo "usage: run_cases.sh MOUNTSTORM SOURCE_DIR [--show] [NAME ...]" >&2
  exit 2
fi
prog=$(realpath "$1")
src=$(realpath "$2")
shift 2
show=0
if [ "${1:-}" = --show ]; then
  show=1
  shift
fi
declare -A only=()
for name in "$@"; do only[$name]=1; done

table=$src/tests/bad_input/cases.tsv
inputs=$src/tests/bad_input/inputs
[ -f "$table" ] && [ -d "$inputs" ] || { echo "run_cases.sh: no $table or $inputs" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A listing of everything under $1, files with their size and time of change: what "nothing was
# written" compares (a directory's own times change when a temporary file comes and goes).
listing() { (cd "$1" && find . \( -type d -printf '%y %p\n' \) -o -printf '%y %p %s %C@\n' | sort); }
# A fresh copy of the inputs in $work/in (again only when a case changed them).
cp -a "$inputs" "$work/in"
pristine=$(listing "$work/in")

# Runs one case; prints why it failed (nothing if it passed).
run_case() {
  local name=$1 status=$2 message=$3 line=$4
  local dir=$work/case
  rm -rf "$dir" && mkdir -p "$dir/run"
  line=${line//@IN@/$work/in}
  line=${line//@SRC@/$src}
  line=${line//@OUT@/$dir/out}
  message=${message//@IN@/$work/in}
  message=${message//@SRC@/$src}
  message=${message//@OUT@/$dir/out}
  local -a args=()
  [ -n "$line" ] && IFS=' ' read -r -a args <<<"$line"
  local limit="ulimit -t 60"
  [ "${BAD_INPUT_NO_MEMORY_LIMIT:-0}" = 1 ] || limit="$limit; ulimit -v 2000000"
  local got=0
  (cd "$dir/run" && eval "$limit" && exec "$prog" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr" </dev/null || got=$?
  if ((show)); then
    printf '%s\t%s\t%s\n' "$name" "$got" "$(tr '\n' ' ' <"$dir/stderr" | sed "s|$dir/out|@OUT@|g; s|$work/in|@IN@|g; s|$src|@SRC@|g" | head -c 400)"
    return
  fi
  local err
  err=$(cat "$dir/stderr")
  if ((got > 128)); then echo "killed by signal $((got - 128)) (a crash); stderr: $err"; return; fi
  if [ "$got" != "$status" ]; then echo "exit status $got, expected $status; stderr: $err"; return; fi
  if ! grep -qF -- "$message" "$dir/stderr"; then echo "stderr does not say '$message': $err"; return; fi
  if [ "$status" = 2 ]; then
    case $err in mountstorm:\ *) ;; *) echo "stderr does not start with 'mountstorm: ': $err"; return ;; esac
    case ${err%%$'\n'*} in *"internal error"*) echo "bad input reported as an internal error: $err"; return ;; esac
    [ ! -s "$dir/stdout" ] || { echo "printed on stdout: $(head -c 300 "$dir/stdout")"; return; }
  fi
  local left
  left=$(compgen -G "$dir/out*")
  [ -z "$left" ] || { echo "left output behind: $left"; return; }
  if [ "$(listing "$work/in")" != "$pristine" ]; then
    echo "changed its inputs: $(diff <(echo "$pristine") <(listing "$work/in") | head -5)"
    rm -rf "$work/in" && cp -a "$inputs" "$work/in" && pristine=$(listing "$work/in")
  fi
}

total=0
failed=0
while IFS=$'\t' read -r name status message line; do
  case $name in '' | '#'*) continue ;; esac
  if ((${#only[@]})) && [ -z "${only[$name]:-}" ]; then continue; fi
  total=$((total + 1))
  run_case "$name" "$status" "$message" "$line" >"$work/why"
  why=$(cat "$work/why")
  if ((show)); then
    echo "$why"
  elif [ -n "$why" ]; then
    failed=$((failed + 1))
    echo "FAIL $name: $why"
  fi
done <"$table"
((show)) && exit 0
if ((total == 0)); then
  echo "no case ran" >&2
  exit 1
fi
echo "$((total - failed)) of $total bad-input cases passed"
((failed == 0))
