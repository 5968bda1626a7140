#!/bin/bash
# run-table.sh - run a table of testbed storms, one after the other, and index the results.
#
# Usage: run-table.sh [--only NAME[,NAME...]] [--rerun] [--max-busy F] [--idle-timeout S] TABLE.csv OUTROOT
#
# TABLE.csv has a header line and one storm per line.  Columns (any order; only name is required):
#   name        run directory name under OUTROOT, [A-Za-z0-9._-]
#   root        host | trixie                       (default host)
#   relay       dbus-daemon | dbus-broker           (default dbus-daemon)
#   mounts      N                                   (default 10)
#   pause_ms    P                                   (default 0)
#   depth       D                                   (default 1)
#   preexisting M                                   (default 0)
#   burst       default | unlimited | integer       (default default)
#   subscriber  logind | none                       (default logind)
#   stalled     0 | 1: --stalled-subscriber         (default 0)
#   umount      0 | 1: --umount                     (default 0)
#   relay_limits NAME=VALUE ...: one --relay-limit per item, separated by spaces (default none)
#   observer    0 | 1: --observer                   (default 0)
#   extra       more run-storm.sh options, separated by spaces (e.g. --relay-limit max_outgoing_bytes=1000000)
# Lines starting with '#' are ignored.  Every row is checked (run-storm.sh --check-only) before
# the first storm starts.  Storms never overlap (run-storm.sh also takes a lock).  A row whose
# OUTROOT/NAME/meta.json exists is skipped unless --rerun (the earlier run is then kept under
# OUTROOT/.previous/NAME-<time>); a failed run is moved to OUTROOT/.failed/NAME-<time> and the
# table goes on.  Before each storm the script waits until the
# machine is idle: the busy fraction of all CPUs over 5 s is at most --max-busy (default 0.15),
# for at most --idle-timeout seconds (default 3600; then it runs anyway and says so).
# At the end it writes OUTROOT/index.csv (testbed.py index).
#
# Exit status: 0 all rows ran (or were skipped), 1 some row failed, 2 bad arguments or table.
set -u -o pipefail
PROG=run-table.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
bad() { echo "$PROG: $1: expected $2, found '$3'" >&2; exit 2; }

ONLY="" RERUN=0 MAX_BUSY=0.15 IDLE_TIMEOUT=3600
declare -a POS=()
while (($#)); do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --only) (($# >= 2)) || bad --only "a comma-separated list of row names" ""; ONLY=$2; shift 2 ;;
    --rerun) RERUN=1; shift ;;
    --max-busy)
        (($# >= 2)) && [[ $2 =~ ^(0(\.[0-9]+)?|1(\.0*)?)$ ]] || bad --max-busy "a fraction 0..1" "${2:-}"
        MAX_BUSY=$2; shift 2 ;;
    --idle-timeout)
        (($# >= 2)) && [[ $2 =~ ^[0-9]{1,6}$ ]] || bad --idle-timeout "a number of seconds" "${2:-}"
        IDLE_TIMEOUT=$2; shift 2 ;;
    -*) echo "$PROG: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) POS+=("$1"); shift ;;
    esac
done
((${#POS[@]} == 2)) || { echo "$PROG: expected TABLE.csv OUTROOT, found ${#POS[@]} arguments (see --help)" >&2; exit 2; }
TABLE=${POS[0]} OUTROOT=${POS[1]}
[[ -f $TABLE ]] || bad TABLE.csv "a readable CSV file" "$TABLE"

# ---------------------------------------------------------------- read and check the table
mapfile -t LINES < <(grep -v '^[[:space:]]*#' "$TABLE" | grep -v '^[[:space:]]*$' | tr -d '\r')
((${#LINES[@]} >= 2)) || bad TABLE.csv "a header line and at least one row" "$TABLE"
IFS=, read -r -a HDR <<<"${LINES[0]}"
declare -A COL=()
for k in "${!HDR[@]}"; do
    h=${HDR[k]// /}
    case "$h" in
    name | root | relay | mounts | pause_ms | depth | preexisting | burst | subscriber | stalled | umount | relay_limits | observer | extra) COL[$h]=$k ;;
    *) bad "TABLE.csv header" "columns among name,root,relay,mounts,pause_ms,depth,preexisting,burst,subscriber,stalled,umount,relay_limits,observer,extra" "$h" ;;
    esac
done
[[ -n ${COL[name]:-} ]] || bad "TABLE.csv header" "a 'name' column" "${LINES[0]}"

declare -a NAMES=() ARGS=()
declare -A SEEN=()
for ((r = 1; r < ${#LINES[@]}; r++)); do
    IFS=, read -r -a F <<<"${LINES[r]}"
    get() { local c=${COL[$1]:-}; [[ -n $c ]] && echo "${F[c]:-}" | sed 's/^ *//;s/ *$//' || echo "$2"; }
    name=$(get name "")
    [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || bad "TABLE.csv line $((r + 1)) name" "[A-Za-z0-9._-]+" "$name"
    [[ -z ${SEEN[$name]:-} ]] || bad "TABLE.csv line $((r + 1)) name" "a unique name" "$name"
    SEEN[$name]=1
    if [[ -n $ONLY && ",$ONLY," != *",$name,"* ]]; then continue; fi
    a="--root $(get root host) --relay $(get relay dbus-daemon) --mounts $(get mounts 10)"
    a+=" --pause-ms $(get pause_ms 0) --depth $(get depth 1) --preexisting $(get preexisting 0) --burst $(get burst default)"
    case $(get subscriber logind) in logind) ;; none) a+=" --no-subscriber" ;;
    *) bad "TABLE.csv line $((r + 1)) subscriber" "logind or none" "$(get subscriber logind)" ;; esac
    case $(get stalled 0) in 0 | "") ;; 1) a+=" --stalled-subscriber" ;;
    *) bad "TABLE.csv line $((r + 1)) stalled" "0 or 1" "$(get stalled 0)" ;; esac
    case $(get umount 0) in 0 | "") ;; 1) a+=" --umount" ;;
    *) bad "TABLE.csv line $((r + 1)) umount" "0 or 1" "$(get umount 0)" ;; esac
    case $(get observer 0) in 0 | "") ;; 1) a+=" --observer" ;;
    *) bad "TABLE.csv line $((r + 1)) observer" "0 or 1" "$(get observer 0)" ;; esac
    for l in $(get relay_limits ""); do
        [[ $l =~ ^[a-z_]+=[0-9]+$ ]] || bad "TABLE.csv line $((r + 1)) relay_limits" "NAME=VALUE items separated by spaces" "$l"
        a+=" --relay-limit $l"
    done
    a+=" $(get extra "")"
    # shellcheck disable=SC2086
    # (-o: a path that does not exist; existing run directories are handled below: skip or --rerun)
    msg=$("$SCRIPT_DIR/run-storm.sh" $a --check-only -o "$OUTROOT/.check-only/$name" 2>&1) ||
        { echo "$PROG: TABLE.csv line $((r + 1)) ($name): $msg" >&2; exit 2; }
    NAMES+=("$name")
    ARGS+=("$a")
done
((${#NAMES[@]})) || { echo "$PROG: --only: no row of the table matches '$ONLY'" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "$PROG: needs root (run-storm.sh does)" >&2; exit 1; }
mkdir -p "$OUTROOT/.logs" || exit 1

busy_fraction() { # busy share of all CPUs over 5 s, from /proc/stat
    local s0 s1
    read -r -a s0 </proc/stat; sleep 5; read -r -a s1 </proc/stat
    local busy=$(((s1[1] + s1[2] + s1[3] + s1[6] + s1[7] + s1[8]) - (s0[1] + s0[2] + s0[3] + s0[6] + s0[7] + s0[8])))
    local idle=$(((s1[4] + s1[5]) - (s0[4] + s0[5])))
    echo "scale=3; $busy / ($busy + $idle)" | bc 2>/dev/null || python3 -c "print(round($busy/($busy+$idle),3))"
}
wait_idle() {
    local t0=$SECONDS f
    while :; do
        f=$(busy_fraction)
        if python3 -c "import sys; sys.exit(0 if float('$f') <= float('$MAX_BUSY') else 1)"; then
            echo "$f"; return 0
        fi
        if ((SECONDS - t0 > IDLE_TIMEOUT)); then
            echo "$PROG: machine still busy ($f > $MAX_BUSY) after ${IDLE_TIMEOUT} s, running anyway" >&2
            echo "$f"; return 0
        fi
        sleep 10
    done
}

failed=0 ran=0 skipped=0
interrupted() { echo "$PROG: interrupted" >&2; exit 130; }
trap interrupted INT TERM
for k in "${!NAMES[@]}"; do
    name=${NAMES[k]} a=${ARGS[k]} dir=$OUTROOT/$name
    if [[ -f $dir/meta.json && $RERUN == 0 ]]; then
        echo "[$(date +%T)] $name: done already, skipped"; skipped=$((skipped + 1)); continue
    fi
    if [[ -e $dir ]]; then # an earlier run of this row: kept under .previous/ (--rerun) or .failed/
        if [[ -f $dir/meta.json ]]; then keep=.previous; else keep=.failed; fi
        mkdir -p "$OUTROOT/$keep"; mv "$dir" "$OUTROOT/$keep/$name-$(date +%Y%m%dT%H%M%S)"
    fi
    busy=$(wait_idle)
    echo "[$(date +%T)] $name: run-storm.sh $a (host busy $busy before)"
    t0=$SECONDS
    # shellcheck disable=SC2086
    "$SCRIPT_DIR/run-storm.sh" $a -o "$dir" >"$OUTROOT/.logs/$name.txt" 2>&1 &
    wait $!
    rc=$?
    echo "$busy" >"$dir/raw/host-busy-before.txt" 2>/dev/null
    if ((rc == 0)); then
        ran=$((ran + 1))
        sed -n '/^run /,$p' "$OUTROOT/.logs/$name.txt" | sed 's/^/    /'
        echo "    ($((SECONDS - t0)) s)"
    else
        failed=$((failed + 1))
        echo "[$(date +%T)] $name: FAILED (exit $rc), log: $OUTROOT/.logs/$name.txt" >&2
        tail -3 "$OUTROOT/.logs/$name.txt" | sed 's/^/    /' >&2
        if [[ -e $dir ]]; then mkdir -p "$OUTROOT/.failed"; mv "$dir" "$OUTROOT/.failed/$name-$(date +%Y%m%dT%H%M%S)"; fi
    fi
done
python3 "$SCRIPT_DIR/testbed.py" index "$OUTROOT"
echo "$PROG: $ran ran, $skipped skipped, $failed failed"
((failed == 0))
