#!/bin/bash
# storm-inside.sh - the part of the testbed that runs INSIDE the container (via nsenter).
#
# It only uses bash and binaries under /usr/bin (with --volatile=yes /etc/alternatives is empty,
# so awk & co. are missing inside). Called by run-storm.sh; not meant to be run by hand.
#
#   storm-inside.sh prepare STORMDIR N PREBASE M FSTYPE
#       mkdir -p STORMDIR/m1..mN and STORMDIR/w0 (warm-up point), mkdir PREBASE/p1..pM and mount
#       an FSTYPE file system on each PREBASE/p<i> (the pre-existing mounts). Nothing is timed.
#   storm-inside.sh warmup STORMDIR FSTYPE
#       mount + unmount STORMDIR/w0 once (the first mount-table change after boot also picks up
#       boot-time leftovers; this change is not recorded).
#   storm-inside.sh phase mount|umount STORMDIR N PAUSE_MS FSTYPE TIMESFILE
#       the recorded loop: for i in 1..N: (u)mount STORMDIR/m<i>, then pause PAUSE_MS (no pause
#       after the last one). Writes TIMESFILE: one line per operation "i t_before t_after" in
#       CLOCK_REALTIME seconds (bash's $EPOCHREALTIME, microseconds), plus "start" and "end" lines.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "storm-inside.sh: $*" >&2; exit 1; }

cmd=${1:-}
shift || true

case "$cmd" in
prepare)
    [ $# -eq 5 ] || die "prepare: expected 5 arguments, found $#"
    dir=$1 n=$2 prebase=$3 m=$4 fstype=$5
    mkdir -p "$dir/w0" || die "mkdir $dir/w0 failed"
    for ((i = 1; i <= n; i++)); do
        mkdir -p "$dir/m$i" || die "mkdir $dir/m$i failed"
    done
    for ((i = 1; i <= m; i++)); do
        mkdir -p "$prebase/p$i" || die "mkdir $prebase/p$i failed"
        mount -t "$fstype" "$fstype" "$prebase/p$i" || die "mount $prebase/p$i failed"
    done
    ;;
warmup)
    [ $# -eq 2 ] || die "warmup: expected 2 arguments, found $#"
    dir=$1 fstype=$2
    mount -t "$fstype" "$fstype" "$dir/w0" || die "warm-up mount $dir/w0 failed"
    umount "$dir/w0" || die "warm-up umount $dir/w0 failed"
    ;;
phase)
    [ $# -eq 6 ] || die "phase: expected 6 arguments, found $#"
    what=$1 dir=$2 n=$3 pause_ms=$4 fstype=$5 timesfile=$6
    pause=$(printf '%d.%03d' $((pause_ms / 1000)) $((pause_ms % 1000)))
    # A pause without fork: read with a timeout on a FIFO that nobody writes to (we hold both
    # ends, so read never sees EOF and returns only on the timeout).
    fifo=$(mktemp -u /tmp/storm-fifo.XXXXXX)
    mkfifo "$fifo" || die "mkfifo failed"
    exec 9<>"$fifo"
    rm -f "$fifo"
    declare -a tb ta
    t_start=$EPOCHREALTIME
    for ((i = 1; i <= n; i++)); do
        tb[i]=$EPOCHREALTIME
        if [ "$what" = mount ]; then
            mount -t "$fstype" "$fstype" "$dir/m$i" || die "mount $dir/m$i failed (op $i)"
        else
            umount "$dir/m$i" || die "umount $dir/m$i failed (op $i)"
        fi
        ta[i]=$EPOCHREALTIME
        if ((pause_ms > 0 && i < n)); then
            read -r -t "$pause" -u 9 _ || true
        fi
    done
    t_end=$EPOCHREALTIME
    {
        echo "phase $what"
        echo "start $t_start"
        for ((i = 1; i <= n; i++)); do
            echo "op $i ${tb[i]} ${ta[i]}"
        done
        echo "end $t_end"
        # CPU of the loop itself: bash's user/system time, then that of its children (mount).
        # `times` must run in this shell: in a pipeline or $(...) it would report a subshell's.
        times >"$timesfile.cpu"
        echo "times $(tr '\n' ' ' <"$timesfile.cpu")"
    } >"$timesfile"
    rm -f "$timesfile.cpu"
    ;;
*)
    die "unknown command '${cmd}' (expected prepare, warmup or phase)"
    ;;
esac
