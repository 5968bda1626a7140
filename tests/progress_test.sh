#!/usr/bin/env bash
# Progress lines (tools/io/progress.h): on a terminal the planner commands redraw "[size] N runs,
# T s" on stderr and clear it before their answer; with stderr not a terminal they print nothing
# there. The terminal is a pseudo-terminal from script(1) (util-linux).
set -euo pipefail
bin=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmd=("$bin" size "$src/scenarios/incident-single-mount.json" --queue systemd.wqueue)

"${cmd[@]}" >"$out/stdout" 2>"$out/stderr"
if [ -s "$out/stderr" ]; then
  echo "size wrote to stderr although it is not a terminal:" >&2
  cat "$out/stderr" >&2
  exit 1
fi

script -qec "$(printf '%q ' "${cmd[@]}")" /dev/null >"$out/tty"
if ! grep -q $'\r\033\\[K\\[size\\] 1 run, ' "$out/tty"; then
  echo "no progress line on the terminal:" >&2
  cat -A "$out/tty" >&2
  exit 1
fi
# The line is cleared before the answer, which then reads as it does without a terminal.
first_answer=$(head -n 1 "$out/stdout")
if ! tr -d '\r' <"$out/tty" | grep -qF $'\033[K'"$first_answer"; then
  echo "the answer does not follow a cleared line:" >&2
  cat -A "$out/tty" >&2
  exit 1
fi
echo "progress: drawn on a terminal, cleared before the answer, silent otherwise"
