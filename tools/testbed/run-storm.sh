#!/bin/bash
# run-storm.sh - boot a real systemd in a throw-away systemd-nspawn container, run one mount storm
# inside it, capture the system bus, and count what PID 1 sent.  Needs root.  See --help and
# tools/testbed/README.md.
set -u -o pipefail

PROG=run-storm.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_DIR=${MOUNTSTORM_TESTBED_CACHE:-/var/cache/mountstorm-testbed}
ORIG_CMDLINE=$(printf '%q ' "$0" "$@")

usage() {
    cat <<'EOF'
Usage: run-storm.sh [OPTIONS] -o OUTDIR

Boots a throw-away systemd-nspawn container (systemd as PID 1, a D-Bus relay, systemd-logind),
runs one mount storm inside it while `busctl --system capture` records the system bus, and writes
OUTDIR/capture.pcapng, OUTDIR/meta.json, OUTDIR/counts.json, OUTDIR/counts.csv, OUTDIR/flushes.csv
and OUTDIR/raw/.  Needs root, systemd-nspawn (package systemd-container), nsenter, python3 and
tshark; debootstrap for --root trixie (built once, cached).  Runs are serialized by a lock.

Where the container comes from
  --root host|trixie       host: the machine's own root, booted read-only with --volatile=yes
                           (Debian 12: systemd 252).  trixie: a Debian 13 root (systemd 257) that
                           is built once with debootstrap into $MOUNTSTORM_TESTBED_CACHE
                           (default /var/cache/mountstorm-testbed/trixie) and booted the same way.
                           Default: host.
  --mirror URL             Debian mirror for building the trixie root.
                           Default: http://deb.debian.org/debian
  --relay dbus-daemon|dbus-broker
                           the system bus relay.  It is pinned explicitly: the root's own
                           dbus.service (dbus-daemon) or dbus-broker.service is bind-mounted on
                           /etc/systemd/system/dbus.service.  Default: dbus-daemon.
  --relay-limit NAME=VALUE lower (or raise) a limit of the relay: a <limit name="NAME">VALUE</limit>
                           in /etc/dbus-1/system.d/zz-testbed-limits.conf inside the container
                           (a bind-mounted drop-in, read by dbus-daemon and by dbus-broker-launch
                           through /usr/share/dbus-1/system.conf's <includedir>).  Repeatable, each
                           NAME at most once.  NAME is one of dbus-daemon's limit names:
                             max_incoming_bytes max_incoming_unix_fds max_outgoing_bytes
                             max_outgoing_unix_fds max_message_size max_message_unix_fds
                             service_start_timeout auth_timeout pending_fd_timeout
                             max_completed_connections max_incomplete_connections
                             max_connections_per_user max_pending_service_starts
                             max_names_per_connection max_match_rules_per_connection
                             max_replies_per_connection reply_timeout
                           VALUE a decimal integer 1..2147483647 (bytes, a count, or ms for the
                           *_timeout limits).  dbus-broker-launch uses only max_outgoing_bytes,
                           max_outgoing_unix_fds, max_connections_per_user and
                           max_match_rules_per_connection, as per-UID quotas (multiplied by
                           max_connections_per_user, default 64); meta.json records the others as
                           ignored and the quotas the broker was started with.

The storm (all mounts are made by the root's own /usr/bin/mount, one process per mount)
  --mounts N               number of mounts in the recorded storm, 1..100000.  Default: 10.
  --pause-ms P             pause between two consecutive mounts (and unmounts), in ms,
                           0..600000.  0 = back to back.  Default: 0.
  --depth D                mount point depth, 1..32: mount i is at BASE/d1/d2/.../d(D-1)/m<i>,
                           i.e. D path components below BASE; d1..d(D-1) are plain directories
                           shared by all mounts of the storm, never mount points.  BASE itself
                           and its ancestors are not mount points either, so a mount point has
                           D-1 + (number of components of BASE) ancestors below / that are not
                           mount points (D+1 with the default BASE /srv/storm).
                           depth 1: /srv/storm/m17; depth 2: /srv/storm/d1/m17;
                           depth 5: /srv/storm/d1/d2/d3/d4/m17.  Default: 1.
  --base DIR               BASE, an absolute path of [A-Za-z0-9_] components.  Default: /srv/storm.
  --preexisting M          M mounts made before the recorded storm (not recorded), at
                           PREBASE/p1..p<M>, 0..100000.  Default: 0.
  --pre-base DIR           PREBASE, like --base; must not overlap BASE.  Default: /pre.
  --fstype tmpfs|ramfs     file system of every mount.  Default: tmpfs.
  --umount                 after the mounts (and PID 1 gone quiet), unmount them all in the same
                           order with the same pause, recorded in the same capture as a second
                           phase with its own timestamps and CPU figures.
  --burst B                SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST in PID 1's environment: an
                           integer 1..4294967295, 'unlimited' (passes 0: with burst 0 sd-event's
                           ratelimit_configured() is false and the mount event source is never
                           rate limited), or 'default' (variable not set: 5 per 1 s).
                           Default: default.
  --no-subscriber          mask systemd-logind.service (kernel command line systemd.mask=), so
                           that nobody calls Subscribe() on the API bus.
  --stalled-subscriber     also run a client that adds a match for every signal of
                           org.freedesktop.systemd1, calls Manager.Subscribe() and never reads.
                           At the end (after the last probe) it reads what the relay kept for it
                           and writes raw/stalled-drain.tsv (messages delivered, bytes, EOF or not).
  --observer               also run, inside the container as uid 65534 (nobody), a client that
                           matches every signal of org.freedesktop.systemd1 and every
                           NameOwnerChanged, reads all the time and writes raw/observer.tsv (no
                           Subscribe()).  Its dbus-broker quota is not uid 0's, so it still sees
                           PID 1's signals and every disconnect when uid 0's quota is exhausted and
                           the root busctl capture has been cut.  Needs python3 in the root
                           (the host root has it; the trixie root does not).

Measurement
  --quiet-ms Q             PID 1 is "quiet" when the capture has not grown and PID 1 used less than
                           2 ms of CPU for Q ms, 200..60000.  Default: 2000.
  --quiet-timeout S        give up (exit 1) if PID 1 is not quiet S seconds after a phase,
                           1..86400.  Default: 1800.
  --strace                 also trace PID 1's openat() with strace -f (counts mountinfo reads
                           a second way; strace slows PID 1: CPU figures are then meaningless).
  --no-trace               do not count mountinfo reads with the kernel's syscall tracepoint
                           (sys_enter_openat filtered on PID 1; on by default, cheap).
  --name NAME              machine name, [a-z0-9-], 1..40 chars.  Default: mstb-<pid>.
  -o, --out OUTDIR         output directory; created; must not exist or be empty.  Required.
  --check-only             validate the arguments and exit (0 if they are valid, 2 if not).
  -h, --help               this text.

Exit status: 0 success, 1 the run failed (message on stderr, cleanup done), 2 bad arguments.
EOF
}

# ---------------------------------------------------------------- argument parsing
bad() { # option expected found
    echo "$PROG: $1: expected $2, found '$3'" >&2
    exit 2
}
is_uint() { [[ $1 =~ ^[0-9]{1,10}$ ]]; }
check_uint() { # option value min max
    is_uint "$2" || bad "$1" "an integer $3..$4" "$2"
    (( 10#$2 >= $3 && 10#$2 <= $4 )) || bad "$1" "an integer $3..$4" "$2"
}
check_path() { # option value
    [[ $2 =~ ^(/[A-Za-z0-9_]+)+$ ]] || bad "$1" "an absolute path of [A-Za-z0-9_] components, e.g. /srv/storm" "$2"
    case "$2/" in /proc/* | /sys/* | /dev/* | /usr/*) bad "$1" "a path outside /proc, /sys, /dev and /usr" "$2" ;; esac
}

ROOT_KIND=host RELAY=dbus-daemon MOUNTS=10 PAUSE_MS=0 DEPTH=1 BASE=/srv/storm PRE=0 PREBASE=/pre
FSTYPE=tmpfs UMOUNT=0 BURST=default NO_SUB=0 STALLED=0 QUIET_MS=2000 QUIET_TIMEOUT=1800
USE_STRACE=0 USE_TRACE=1 CHECK_ONLY=0 OBSERVER=0 MACHINE="mstb-$$" OUT="" MIRROR=http://deb.debian.org/debian
declare -a LIMITS=()
KNOWN_LIMITS=" max_incoming_bytes max_incoming_unix_fds max_outgoing_bytes max_outgoing_unix_fds \
max_message_size max_message_unix_fds service_start_timeout auth_timeout pending_fd_timeout \
max_completed_connections max_incomplete_connections max_connections_per_user \
max_pending_service_starts max_names_per_connection max_match_rules_per_connection \
max_replies_per_connection reply_timeout "

args=("$@")
i=0
while ((i < ${#args[@]})); do
    a=${args[i]}
    i=$((i + 1))
    case "$a" in
    --*=*) opt=${a%%=*} val=${a#*=} inline=1 ;;
    *) opt=$a val="" inline=0 ;;
    esac
    case "$opt" in
    -h | --help) usage; exit 0 ;;
    --umount | --no-subscriber | --stalled-subscriber | --observer | --strace | --no-trace | --check-only)
        ((inline)) && bad "$opt" "no value" "$val"
        case "$opt" in
        --check-only) CHECK_ONLY=1 ;;
        --umount) UMOUNT=1 ;; --no-subscriber) NO_SUB=1 ;; --stalled-subscriber) STALLED=1 ;; --observer) OBSERVER=1 ;;
        --strace) USE_STRACE=1 ;; --no-trace) USE_TRACE=0 ;;
        esac
        continue ;;
    --root | --relay | --relay-limit | --mounts | --pause-ms | --depth | --base | --preexisting | \
        --pre-base | --fstype | --burst | --quiet-ms | --quiet-timeout | --name | -o | --out | --mirror)
        if ((!inline)); then
            ((i < ${#args[@]})) || { echo "$PROG: $opt: expected a value, found nothing" >&2; exit 2; }
            val=${args[i]}
            i=$((i + 1))
        fi ;;
    -*) echo "$PROG: unknown option '$opt' (see --help)" >&2; exit 2 ;;
    *) echo "$PROG: unexpected argument '$a' (options only; see --help)" >&2; exit 2 ;;
    esac
    case "$opt" in
    --root) [[ $val == host || $val == trixie ]] || bad "$opt" "host or trixie" "$val"; ROOT_KIND=$val ;;
    --relay) [[ $val == dbus-daemon || $val == dbus-broker ]] || bad "$opt" "dbus-daemon or dbus-broker" "$val"; RELAY=$val ;;
    --relay-limit)
        [[ $val =~ ^([a-z_]+)=(.*)$ ]] || bad "$opt" "NAME=VALUE, e.g. max_outgoing_bytes=65536" "$val"
        lname=${BASH_REMATCH[1]} lval=${BASH_REMATCH[2]}
        [[ $KNOWN_LIMITS == *" $lname "* ]] ||
            bad "$opt" "a limit name among$(echo $KNOWN_LIMITS | sed 's/ /, /g; s/^/ /')" "$lname"
        [[ $lval =~ ^[0-9]{1,10}$ ]] && ((10#$lval >= 1 && 10#$lval <= 2147483647)) ||
            bad "$opt" "$lname=VALUE with VALUE a decimal integer 1..2147483647" "$val"
        for l in "${LIMITS[@]}"; do
            [[ ${l%%=*} != "$lname" ]] || bad "$opt" "each limit at most once ($lname is given twice)" "$val"
        done
        LIMITS+=("$lname=$((10#$lval))") ;;
    --mounts) check_uint "$opt" "$val" 1 100000; MOUNTS=$((10#$val)) ;;
    --pause-ms) check_uint "$opt" "$val" 0 600000; PAUSE_MS=$((10#$val)) ;;
    --depth) check_uint "$opt" "$val" 1 32; DEPTH=$((10#$val)) ;;
    --base) check_path "$opt" "$val"; BASE=$val ;;
    --preexisting) check_uint "$opt" "$val" 0 100000; PRE=$((10#$val)) ;;
    --pre-base) check_path "$opt" "$val"; PREBASE=$val ;;
    --fstype) [[ $val == tmpfs || $val == ramfs ]] || bad "$opt" "tmpfs or ramfs" "$val"; FSTYPE=$val ;;
    --burst)
        if [[ $val == default || $val == unlimited ]]; then BURST=$val
        else
            [[ $val =~ ^[0-9]{1,10}$ ]] && ((10#$val <= 4294967295)) ||
                bad "$opt" "an integer 0..4294967295, 'unlimited' or 'default'" "$val"
            BURST=$((10#$val)); ((BURST == 0)) && BURST=unlimited
        fi ;;
    --quiet-ms) check_uint "$opt" "$val" 200 60000; QUIET_MS=$((10#$val)) ;;
    --quiet-timeout) check_uint "$opt" "$val" 1 86400; QUIET_TIMEOUT=$((10#$val)) ;;
    --name) [[ $val =~ ^[a-z0-9-]{1,40}$ ]] || bad "$opt" "a name of 1..40 characters [a-z0-9-]" "$val"; MACHINE=$val ;;
    --mirror) [[ $val =~ ^https?://[^[:space:]]+$ ]] || bad "$opt" "an http(s) URL" "$val"; MIRROR=$val ;;
    -o | --out)
        [[ -n $val ]] || bad "$opt" "a directory" "$val"
        [[ $val != *:* ]] || bad "$opt" "a directory whose path has no ':' (systemd-nspawn --bind)" "$val"
        OUT=$val ;;
    esac
done
[[ -n $OUT ]] || { echo "$PROG: -o OUTDIR: expected an output directory, found nothing (see --help)" >&2; exit 2; }
case "$BASE/" in "$PREBASE"/*) bad --pre-base "a directory that neither contains nor is inside --base $BASE" "$PREBASE" ;; esac
case "$PREBASE/" in "$BASE"/*) bad --pre-base "a directory that neither contains nor is inside --base $BASE" "$PREBASE" ;; esac
if [[ -e $OUT ]]; then
    [[ -d $OUT ]] || bad -o "a new or empty directory" "$OUT (exists, not a directory)"
    [[ -z $(ls -A "$OUT") ]] || bad -o "a new or empty directory" "$OUT (not empty)"
fi

((CHECK_ONLY)) && exit 0

# ---------------------------------------------------------------- requirements
fail() { echo "$PROG: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "needs root (systemd-nspawn, nsenter, cgroups)"
for c in systemd-nspawn nsenter python3 tshark ps pgrep flock timeout; do
    command -v "$c" >/dev/null || fail "'$c' not found (apt-get install systemd-container util-linux python3 tshark procps)"
done
((USE_STRACE)) && { command -v strace >/dev/null || fail "--strace needs strace (apt-get install strace)"; }

mkdir -p "$CACHE_DIR" || fail "cannot create $CACHE_DIR"
exec 8<"$CACHE_DIR"
flock -n 8 || fail "another testbed run holds the lock on $CACHE_DIR; runs must not overlap"

mkdir -p "$OUT/raw" || fail "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
RAW=$OUT/raw
RT=/run/mountstorm-testbed-$MACHINE
LOG=$RAW/log.txt
: >"$RAW/facts.tsv"

log() { local m; m="[$(date +%T.%3N)] $*"; echo "$m" >&2; echo "$m" >>"$LOG"; }
fact() { printf '%s\t%s\n' "$1" "$2" >>"$RAW/facts.tsv"; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

fact cmdline "$ORIG_CMDLINE"
fact root "$ROOT_KIND"; fact relay "$RELAY"; fact mounts "$MOUNTS"; fact pause_ms "$PAUSE_MS"
fact depth "$DEPTH"; fact base "$BASE"; fact preexisting "$PRE"; fact pre_base "$PREBASE"
fact fstype "$FSTYPE"; fact umount "$UMOUNT"; fact burst "$BURST"; fact no_subscriber "$NO_SUB"
fact stalled_subscriber "$STALLED"; fact observer "$OBSERVER"; fact quiet_ms "$QUIET_MS"; fact strace "$USE_STRACE"
fact trace "$USE_TRACE"; fact machine "$MACHINE"; fact relay_limits "${LIMITS[*]:-}"
fact host_kernel "$(uname -r) $(uname -v)"; fact host_nspawn "$(systemd-nspawn --version | head -1)"
fact tshark "$(tshark --version 2>/dev/null | head -1)"; fact clk_tck "$(getconf CLK_TCK)"
fact nproc "$(nproc)"; fact started "$(date -u +%FT%T.%3NZ)"

# ---------------------------------------------------------------- state for cleanup
NSPID="" C1="" CAP_BUSCTL_PID="" OBS_PY_PID="" CAPPID="" SUBPID="" OBSPID="" STORMPID="" STRACEPID="" TRACECAT="" TRACE_INST="" TRACEFS_MOUNTED="" CG=""
CG_UNI="" CG_NAMED="" CLEANED=0
snapshot_host() {
    {
        find /run/systemd /run -maxdepth 3 -path /run/user -prune -o -print 2>/dev/null
        find /tmp -maxdepth 1 2>/dev/null
        [[ -n $CG_UNI ]] && find "$CG_UNI" -maxdepth 1 -type d
        [[ -n $CG_NAMED ]] && find "$CG_NAMED" -maxdepth 1 -type d
        cut -d' ' -f5 /proc/self/mountinfo | sed 's/^/mount:/'
    } 2>/dev/null | sort -u
}

cleanup() {
    ((CLEANED)) && return
    CLEANED=1
    trap '' INT TERM
    local p
    if [[ -n $STORMPID ]]; then # the storm loop (nsenter and what runs under it): stop it first
        for p in $(descendants "$STORMPID" | cut -d' ' -f1) $STORMPID; do kill -KILL "$p" 2>/dev/null; done
    fi
    for p in $SUBPID $STRACEPID; do kill -TERM "$p" 2>/dev/null; done
    [[ -n $OBSPID ]] && stop_observer
    [[ -n $CAPPID ]] && stop_capture
    if [[ -n $TRACE_INST && -d $TRACE_INST ]]; then
        echo 0 >"$TRACE_INST/tracing_on" 2>/dev/null
        [[ -n $TRACECAT ]] && { kill -TERM "$TRACECAT" 2>/dev/null; wait "$TRACECAT" 2>/dev/null; }
        for e in $TRACE_EVENTS; do
            echo 0 >"$TRACE_INST/events/syscalls/$e/enable" 2>/dev/null
            echo 0 >"$TRACE_INST/events/syscalls/$e/filter" 2>/dev/null
        done
        rmdir "$TRACE_INST" 2>/dev/null || log "WARNING: could not remove tracing instance $TRACE_INST"
    fi
    if [[ -n $TRACEFS_MOUNTED ]]; then
        umount "$TRACEFS_MOUNTED" 2>/dev/null || log "WARNING: could not unmount $TRACEFS_MOUNTED"
    fi
    if [[ -n $NSPID ]] && kill -0 "$NSPID" 2>/dev/null; then
        log "stopping the container (SIGTERM to systemd-nspawn $NSPID)"
        kill -TERM "$NSPID" 2>/dev/null
        for ((p = 0; p < 600; p++)); do kill -0 "$NSPID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$NSPID" 2>/dev/null; then
            log "WARNING: systemd-nspawn did not exit in 60 s, SIGKILL"
            kill -KILL "$NSPID" 2>/dev/null
        fi
    fi
    [[ -n $NSPID ]] && wait "$NSPID" 2>/dev/null
    for p in $SUBPID $STRACEPID $STORMPID $OBSPID; do wait "$p" 2>/dev/null; done
    # our cgroups: wait until empty, kill what is left (only processes in OUR cgroup), remove.
    local d procs
    for d in ${CG_UNI:+$CG_UNI/$CG} ${CG_NAMED:+$CG_NAMED/$CG}; do
        [[ -n $CG && -d $d ]] || continue
        for ((p = 0; p < 100; p++)); do
            procs=$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)
            [[ -z $procs ]] && break
            ((p == 50)) && for x in $procs; do kill -KILL "$x" 2>/dev/null; done
            sleep 0.1
        done
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
        [[ -d $d ]] && log "WARNING: could not remove cgroup $d"
    done
    # what nspawn leaves: /run/systemd/nspawn/propagate/<machine> (when /run is not a tmpfs)
    rmdir "/run/systemd/nspawn/propagate/$MACHINE" 2>/dev/null
    if [[ -d $RT ]]; then
        while read -r p; do umount "$p" 2>/dev/null; done < <(cut -d' ' -f5 /proc/self/mountinfo | grep "^$RT" | sort -r)
        rm -rf "$RT"
    fi
    # nspawn's shared directories, only if this run created them and they are empty
    if [[ -f $RAW/host-before.txt ]]; then
        for d in /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn /run/systemd/nspawn-root; do
            grep -qx "$d" "$RAW/host-before.txt" || rmdir "$d" 2>/dev/null
        done
        snapshot_host >"$RAW/host-after.txt"
        [[ -n $C1 ]] && pgrep -f "^nsenter -t $C1 " | sed 's/^/process:nsenter pid /' >>"$RAW/host-after.txt"
        # new entries that are ours: anything named after the machine or the testbed (our cgroups,
        # runtime directory, tracing instance and tracefs mount, nspawn's per-machine directories)
        # and nsenter processes still attached to our PID 1.  nspawn's shared directories are
        # removed above when this run created them and they are empty.  Other new entries (other
        # users of the host: files in /tmp, another nspawn's payload/ and supervisor/ cgroups) are
        # listed in host-new-entries.txt, not counted.
        comm -13 "$RAW/host-before.txt" "$RAW/host-after.txt" >"$RAW/host-new-entries.txt"
        grep -E "^process:|$MACHINE|mountstorm-testbed" "$RAW/host-new-entries.txt" >"$RAW/leftovers.txt"
        if [[ -s $RAW/leftovers.txt ]]; then
            log "WARNING: left behind (see $RAW/leftovers.txt): $(tr '\n' ' ' <"$RAW/leftovers.txt")"
        else
            log "cleanup checked: no process, mount, cgroup or directory left behind"
        fi
    fi
}
on_signal() { log "interrupted by SIG$1, cleaning up"; cleanup; exit $((128 + $2)); }
trap cleanup EXIT
trap 'on_signal INT 2' INT
trap 'on_signal TERM 15' TERM

die() { log "ERROR: $*"; fact error "$*"; cleanup; exit 1; }

# ---------------------------------------------------------------- the root to boot
ensure_trixie_root() {
    local dir=$CACHE_DIR/trixie
    if [[ -f $dir/.complete && -x $dir/root/usr/lib/systemd/systemd ]]; then
        ROOTDIR=$dir/root
        return
    fi
    command -v debootstrap >/dev/null || die "--root trixie needs debootstrap (apt-get install debootstrap)"
    log "building the Debian 13 root once with debootstrap into $dir (about 250 MB, a few minutes)"
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    debootstrap --variant=minbase \
        --include=systemd,systemd-sysv,dbus,dbus-daemon,dbus-broker,libpam-systemd,strace,procps,util-linux,mount \
        trixie "$dir.tmp/root" "$MIRROR" >"$dir.tmp/debootstrap.log" 2>&1 ||
        die "debootstrap failed, see $dir.tmp/debootstrap.log"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    date -u +%FT%TZ >"$dir/.complete"
    ROOTDIR=$dir/root
}
if [[ $ROOT_KIND == host ]]; then ROOTDIR=/; else ensure_trixie_root; fi
fact rootdir "$ROOTDIR"
((OBSERVER)) && [[ ! -x ${ROOTDIR%/}/usr/bin/python3 ]] &&
    die "--observer runs python3 inside the container, but $ROOTDIR has no /usr/bin/python3"

unitfile() { # name -> host path of the root's own unit file
    local d
    for d in usr/lib/systemd/system lib/systemd/system; do
        [[ -f ${ROOTDIR%/}/$d/$1 ]] && { echo "${ROOTDIR%/}/$d/$1"; return 0; }
    done
    return 1
}
if [[ $RELAY == dbus-daemon ]]; then
    RELAY_UNIT=$(unitfile dbus.service) || die "no dbus.service (package dbus-daemon) in $ROOTDIR"
    [[ -x ${ROOTDIR%/}/usr/bin/dbus-daemon ]] || die "no /usr/bin/dbus-daemon in $ROOTDIR"
else
    RELAY_UNIT=$(unitfile dbus-broker.service) ||
        die "no dbus-broker.service in $ROOTDIR (apt-get install dbus-broker${ROOT_KIND:+ for the $ROOT_KIND root})"
fi
fact relay_unit "$RELAY_UNIT"
for pkg in systemd dbus-daemon dbus-broker util-linux mount; do
    fact "pkg_$pkg" "$(dpkg-query --admindir="${ROOTDIR%/}/var/lib/dpkg" -W -f='${Version}' "$pkg" 2>/dev/null || echo none)"
done

# ---------------------------------------------------------------- cgroups and runtime dir
if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
    CG_UNI=/sys/fs/cgroup
else
    [[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]] && CG_UNI=/sys/fs/cgroup/unified
    grep -q ' /sys/fs/cgroup/systemd .*name=systemd' /proc/self/mountinfo && CG_NAMED=/sys/fs/cgroup/systemd
fi
[[ -n $CG_UNI || -n $CG_NAMED ]] || die "no cgroup2 or name=systemd hierarchy under /sys/fs/cgroup"
snapshot_host >"$RAW/host-before.txt"
CG=mountstorm-testbed-$MACHINE
for d in $CG_UNI $CG_NAMED; do
    [[ -e $d/$CG ]] && die "cgroup $d/$CG exists already (a machine of that name is running?)"
done
for d in $CG_UNI $CG_NAMED; do mkdir "$d/$CG" || die "cannot create cgroup $d/$CG"; done
mkdir -p "$RT" || die "cannot create $RT"
fact cgroups "${CG_UNI:+$CG_UNI/$CG} ${CG_NAMED:+$CG_NAMED/$CG}"

NSPAWN_ARGS=(--quiet -D "$ROOTDIR" --volatile=yes -b -M "$MACHINE" --register=no --keep-unit
    --private-network --console=read-only
    --bind-ro="$SCRIPT_DIR:/mstb/bin" --bind="$OUT:/mstb/out"
    --bind-ro="$RELAY_UNIT:/etc/systemd/system/dbus.service")
if ((${#LIMITS[@]})); then
    {
        echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"'
        echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
        echo '<busconfig>'
        for l in "${LIMITS[@]}"; do echo "  <limit name=\"${l%%=*}\">${l#*=}</limit>"; done
        echo '</busconfig>'
    } >"$RT/zz-testbed-limits.conf"
    cp "$RT/zz-testbed-limits.conf" "$RAW/zz-testbed-limits.conf"
    # /usr/share/dbus-1/system.conf (dbus-daemon 1.14 and 1.16) has <includedir>/etc/dbus-1/system.d</includedir>
    # and sets no <limit> itself; dbus-broker-launch parses the same file and its includes.
    NSPAWN_ARGS+=(--bind-ro="$RT/zz-testbed-limits.conf:/etc/dbus-1/system.d/zz-testbed-limits.conf")
fi
case "$BURST" in
default) ;;
unlimited) NSPAWN_ARGS+=(--setenv=SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST=0) ;;
*) NSPAWN_ARGS+=(--setenv=SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST="$BURST") ;;
esac
# kernel command line of the container: not a first boot (so no preset-all: only the units that the
# root's packages enable statically under /usr/lib/systemd/system/*.wants are started, i.e. journald,
# dbus, logind, getty; whatever else is installed on the host stays off), no firstboot prompt, no
# sysctls, no timers (a timer that fires during a storm would add jobs and signals), optionally no
# logind (no subscriber).
KARGS=(systemd.condition-first-boot=0 systemd.firstboot=off systemd.mask=systemd-sysctl.service
    systemd.mask=timers.target)
((NO_SUB)) && KARGS+=(systemd.mask=systemd-logind.service)
fact nspawn_args "${NSPAWN_ARGS[*]} ${KARGS[*]}"

# ---------------------------------------------------------------- boot
log "booting $ROOT_KIND root ($ROOTDIR) as machine $MACHINE, relay $RELAY"
(
    for d in $CG_UNI $CG_NAMED; do echo "$BASHPID" >"$d/$CG/cgroup.procs" || exit 97; done
    exec systemd-nspawn "${NSPAWN_ARGS[@]}" "${KARGS[@]}"
) >"$RAW/console.log" 2>&1 </dev/null &
NSPID=$!
t_boot=$(now_us)
for ((k = 0; k < 600; k++)); do
    kill -0 "$NSPID" 2>/dev/null || die "systemd-nspawn exited during boot: $(tail -5 "$RAW/console.log" | tr '\n' ' ')"
    for p in $(pgrep -P "$NSPID"); do
        [[ $(cat "/proc/$p/comm" 2>/dev/null) == systemd ]] && C1=$p
    done
    [[ -n $C1 ]] && break
    sleep 0.1
done
[[ -n $C1 ]] || die "no systemd process under systemd-nspawn after 60 s"

inside() { nsenter -t "$C1" -m -u -i -n -p -C -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
inside_sh() { inside /usr/bin/bash /mstb/bin/storm-inside.sh "$@"; }

for ((k = 0; k < 900; k++)); do # PID 1 may not listen on its private socket yet: retry
    state=$(timeout 180 nsenter -t "$C1" -m -u -i -n -p -C -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        /usr/bin/systemctl is-system-running --wait 2>&1)
    [[ $state == *"Failed to connect"* ]] || break
    kill -0 "$NSPID" 2>/dev/null || break
    sleep 0.2
done
fact boot_seconds "$(( ($(now_us) - t_boot) / 1000 ))e-3"
fact system_state "$state"
[[ $state == running || $state == degraded ]] || die "container did not boot (is-system-running: '$state'); see $RAW/console.log"
[[ $state == degraded ]] && inside systemctl --failed --no-legend --plain >"$RAW/failed-units.txt"
log "container up (PID 1 = host pid $C1, state $state)"

descendants() { # host pid -> all descendant pids "pid comm" lines
    ps -e -o pid=,ppid=,comm= | python3 -c '
import sys
root = sys.argv[1]; kids = {}; comm = {}
for line in sys.stdin:
    p = line.split(None, 2)
    if len(p) < 3: continue
    kids.setdefault(p[1], []).append(p[0]); comm[p[0]] = p[2].strip()
todo = [root]
while todo:
    q = todo.pop()
    for c in kids.get(q, []):
        print(c, comm[c]); todo.append(c)' "$1"
}
pid_of() { descendants "$C1" | while read -r p c; do [[ $c == "$1" ]] && { echo "$p"; break; }; done; }

# versions and facts from inside
fact systemd_version "$(inside /usr/lib/systemd/systemd --version | head -1)"
fact dbus_daemon_version "$(inside /usr/bin/dbus-daemon --version 2>/dev/null | head -1)"
fact dbus_broker_version "$(inside /usr/bin/dbus-broker --version 2>/dev/null | head -1)"
fact mount_version "$(inside /usr/bin/mount --version | head -1)"
fact busctl_version "$(inside /usr/bin/busctl --version | head -1)"
fact container_cgroupfs "$(inside /usr/bin/stat -fc %T /sys/fs/cgroup)"
fact pid1_env_burst "$(tr '\0' '\n' <"/proc/$C1/environ" | grep '^SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST=' || echo unset)"

if [[ $RELAY == dbus-daemon ]]; then
    RELAY_PIDS=$(pid_of dbus-daemon)
    [[ -n $RELAY_PIDS ]] || die "relay dbus-daemon requested but no dbus-daemon process runs in the container"
    [[ -z $(pid_of dbus-broker) ]] || die "dbus-broker runs in the container although dbus-daemon was pinned"
else
    RELAY_PIDS=$(pid_of dbus-broker)
    [[ -n $RELAY_PIDS ]] || die "relay dbus-broker requested but no dbus-broker process runs in the container"
    [[ -z $(pid_of dbus-daemon) ]] || die "dbus-daemon runs in the container although dbus-broker was pinned"
    RELAY_PIDS="$RELAY_PIDS $(pid_of dbus-broker-lau)"
fi
LOGIND_PID=$(pid_of systemd-logind)
fact relay_pids "$RELAY_PIDS"; fact logind_pid "${LOGIND_PID:-none}"; fact pid1_host_pid "$C1"
fact pid1_host_cgroup "$(grep -E '^0::|name=systemd' "/proc/$C1/cgroup" | tr '\n' ' ')"
((NO_SUB)) && [[ -n $LOGIND_PID ]] && die "--no-subscriber but systemd-logind runs"
((NO_SUB)) || [[ -n $LOGIND_PID ]] || die "systemd-logind does not run in the container (needed as the subscriber)"

owner=$(inside /usr/bin/busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    GetNameOwner s org.freedesktop.systemd1) || die "cannot ask the bus for PID 1's unique name"
[[ $owner =~ ^s\ \"(:[0-9.]+)\"$ ]] || die "unexpected GetNameOwner answer: $owner"
PID1_NAME=${BASH_REMATCH[1]}
fact pid1_unique_name "$PID1_NAME"
owner=$(inside /usr/bin/busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    GetNameOwner s org.freedesktop.login1 2>/dev/null)
[[ $owner =~ ^s\ \"(:[0-9.]+)\"$ ]] && fact logind_unique_name "${BASH_REMATCH[1]}"
# the relay's own command lines (dbus-broker: the per-UID quotas the launcher derived from the limits)
for p in $RELAY_PIDS; do
    fact "relay_cmdline_$(cat "/proc/$p/comm")" "$(tr '\0' ' ' <"/proc/$p/cmdline")"
    fact "relay_uid_$(cat "/proc/$p/comm")" "$(stat -c %u "/proc/$p")"
done
inside /usr/bin/busctl --system list --no-pager >"$RAW/bus-peers.txt" 2>&1
inside /usr/bin/systemctl list-units --all --no-legend --plain --no-pager >"$RAW/units-boot.txt"

# ---------------------------------------------------------------- preparation (not recorded)
stormdir=$BASE
for ((k = 1; k < DEPTH; k++)); do stormdir+="/d$k"; done
fact storm_dir "$stormdir"
base_components=$(tr -cd / <<<"$BASE" | wc -c)
fact non_mount_ancestors "$((DEPTH - 1 + base_components))"
fact first_mount_unit "$(inside /usr/bin/systemd-escape --path --suffix=mount "$stormdir/m1")"

capsize() { stat -c %s "$OUT/capture.pcapng" 2>/dev/null || echo 0; }
relay_stats() { # label [unique names...]: the relay's Debug.Stats (dbus-daemon: GetStats and
    # GetConnectionStats per peer; dbus-broker: GetStats, with its per-UID accounting) in
    # raw/relay-stats-LABEL.txt, one "NAME<TAB>rc<TAB>busctl output" line per call (busctl 252's
    # --json fails on these replies, so busctl's own text form).  Under an exhausted dbus-broker quota
    # a new root client may itself be disconnected: failures are recorded, never fatal.
    local label=$1 n out rc
    shift
    for n in - "$@"; do
        if [[ $n == - ]]; then set -- GetStats; else set -- GetConnectionStats s "$n"; fi
        out=$(timeout 10 nsenter -t "$C1" -m -u -i -n -p -C -- /usr/bin/env -i PATH=/usr/bin /usr/bin/busctl \
            --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.Debug.Stats \
            "$@" 2>&1)
        rc=$?
        printf '%s\t%s\t%s\n' "${n/-/bus}" "$rc" "$(tr '\n' ' ' <<<"$out")"
    done >"$RAW/relay-stats-$label.txt"
}
pid1_ns() { local a; read -r a _ <"/proc/$C1/schedstat"; echo "$a"; }
wait_quiet() { # label: waits until the capture did not grow and PID 1 used < 2 ms CPU for QUIET_MS
    local label=$1 t_start t0 s0 c0 now s c
    t_start=$(now_us); t0=$t_start; s0=$(capsize); c0=$(pid1_ns)
    while :; do
        sleep 0.1
        now=$(now_us); s=$(capsize); c=$(pid1_ns)
        if [[ $s != "$s0" ]] || ((c - c0 > 2000000)); then t0=$now s0=$s c0=$c; fi
        ((now - t0 >= QUIET_MS * 1000)) && break
        ((now - t_start > QUIET_TIMEOUT * 1000000)) && die "PID 1 not quiet ${QUIET_TIMEOUT} s after $label"
    done
    fact "quiet_${label}" "${t0:0:-6}.${t0: -6}"
    log "PID 1 quiet after $label (waited $(((now - t_start) / 1000)) ms)"
}
child_named() { # host pid, comm -> the descendant of that pid with that comm (nsenter runs it), if any
    [[ -n $1 ]] && descendants "$1" | while read -r p c; do [[ $c == "$2" ]] && echo "$p"; done
}
cpu_snap() { # label: one line per process: label role pid comm utime stime schedstat_ns realtime
    local label=$1 role pid st f rt
    rt=$EPOCHREALTIME
    # the whole machine (other users of the host make the figures noisy): /proc/stat's cpu line
    read -r -a f </proc/stat
    printf '%s\thost\t0\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)" \
        "$((f[1] + f[2] + f[3] + f[6] + f[7] + f[8]))" "$((f[4] + f[5]))" 0 "$rt" >>"$RAW/cpu.tsv"
    for role in pid1 relay logind subscriber capture observer; do
        case $role in
        pid1) set -- "$C1" ;; relay) set -- $RELAY_PIDS ;; logind) set -- $LOGIND_PID ;;
        subscriber) set -- $SUBPID ;;
        capture) set -- $CAP_BUSCTL_PID ;; observer) set -- $OBS_PY_PID ;;
        esac
        for pid in "$@"; do
            st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
            st=${st##*) }
            read -r -a f <<<"$st"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$role" "$pid" "$(cat "/proc/$pid/comm")" \
                "${f[11]}" "${f[12]}" "$(read -r a _ <"/proc/$pid/schedstat"; echo "$a")" "$rt" >>"$RAW/cpu.tsv"
        done
    done
}
clock_pair() { python3 -c '
import time
best = None
for _ in range(20):
    a = time.clock_gettime_ns(time.CLOCK_REALTIME); m = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    b = time.clock_gettime_ns(time.CLOCK_REALTIME)
    if best is None or b - a < best[0]: best = (b - a, (a + b) // 2, m)
print("%d %d %d" % (best[1], best[2], best[0]))'; }

log "preparing $stormdir/m1..m$MOUNTS and $PRE pre-existing mounts under $PREBASE"
inside_sh prepare "$stormdir" "$MOUNTS" "$PREBASE" "$PRE" "$FSTYPE" || die "preparation failed"
wait_quiet prepare
inside_sh warmup "$stormdir" "$FSTYPE" || die "warm-up mount failed"
wait_quiet warmup
fact mountinfo_lines_before "$(inside /usr/bin/cat /proc/self/mountinfo | wc -l)"
inside /usr/bin/systemctl list-units --all --no-legend --plain --no-pager >"$RAW/units-before.txt"
fact units_before "$(wc -l <"$RAW/units-before.txt")"

stop_observer() { # SIGTERM to the observer's python (it flushes), copy its output out of the container
    local b k
    b=$(descendants "$OBSPID" | while read -r p c; do [[ $c == python3 ]] && echo "$p"; done)
    [[ -n $b ]] && kill -TERM $b 2>/dev/null
    for ((k = 0; k < 50; k++)); do kill -0 "$OBSPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$OBSPID" 2>/dev/null && kill -KILL $b "$OBSPID" 2>/dev/null
    wait "$OBSPID" 2>/dev/null
    OBSPID=""
    cp "/proc/$C1/root/tmp/mstb-observer.tsv" "$RAW/observer.tsv" 2>/dev/null || log "WARNING: no observer output"
}
if ((OBSERVER)); then
    log "starting the observer (uid 65534)"
    inside /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/bin/python3 \
        /mstb/bin/stalled-subscriber.py --socket /run/dbus/system_bus_socket \
        --ready-file /tmp/mstb-observer.ready --observe /tmp/mstb-observer.tsv 2>"$RAW/observer.err" &
    OBSPID=$!
    for ((k = 0; k < 300; k++)); do
        [[ -f /proc/$C1/root/tmp/mstb-observer.ready ]] && break
        kill -0 "$OBSPID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -f /proc/$C1/root/tmp/mstb-observer.ready ]] || die "the observer did not get ready: $(cat "$RAW/observer.err")"
    fact observer_name "$(cut -d' ' -f1 "/proc/$C1/root/tmp/mstb-observer.ready")"
fi
if ((STALLED)); then
    log "starting the stalled subscriber"
    python3 "$SCRIPT_DIR/stalled-subscriber.py" --socket "/proc/$C1/root/run/dbus/system_bus_socket" \
        --ready-file "$RT/subscriber.ready" --drain-file "$RAW/stalled-drain.tsv" 2>"$RAW/stalled-subscriber.err" &
    SUBPID=$!
    for ((k = 0; k < 300; k++)); do [[ -f $RT/subscriber.ready ]] && break; kill -0 "$SUBPID" 2>/dev/null || break; sleep 0.1; done
    [[ -f $RT/subscriber.ready ]] || die "stalled subscriber did not get ready: $(cat "$RAW/stalled-subscriber.err")"
    fact stalled_subscriber_name "$(cut -d' ' -f1 "$RT/subscriber.ready")"
    fact stalled_subscriber_uid "$(id -u)"
fi

# ---------------------------------------------------------------- rescan counting
# Kernel syscall tracepoints, filtered on PID 1 (host pid), clock CLOCK_MONOTONIC, streamed from
# trace_pipe: sys_enter_openat (a rescan opens /proc/self/mountinfo; the filename is a pointer,
# resolved at the end from /proc/PID/mem) and sys_enter/exit_sendmsg (every write of PID 1 to its
# bus socket, with its fd and byte count).  Cheap: only PID 1's syscalls of these kinds are recorded.
TRACE_EVENTS="sys_enter_openat sys_enter_sendmsg sys_exit_sendmsg"
BUSFD=""
if command -v ss >/dev/null; then
    # PID 1's connection to the bus: its socket whose peer is bound at /run/dbus/system_bus_socket
    nsenter -t "$C1" -n ss -xpn >"$RAW/ss-unix.txt" 2>/dev/null
    BUSFD=$(python3 - "$RAW/ss-unix.txt" "$C1" <<'PYEOF'
import re, sys
rows = [l.split() for l in open(sys.argv[1]) if l.startswith("u_str")]
bus_inodes = {r[5] for r in rows if len(r) > 7 and r[4] == "/run/dbus/system_bus_socket"}
fds = set()
for r in rows:
    if len(r) > 7 and r[7] in bus_inodes:
        fds.update(re.findall(r'\("systemd",pid=%s,fd=(\d+)\)' % sys.argv[2], " ".join(r[8:])))
print(" ".join(sorted(fds)))
PYEOF
)
fi
fact pid1_bus_fd "${BUSFD:-unknown}"
if ((USE_TRACE)); then
    tfs=$(grep -m1 ' - tracefs ' /proc/self/mountinfo | cut -d' ' -f5)
    if [[ -z $tfs ]]; then
        mkdir -p "$RT/tracefs"
        if mount -t tracefs nodev "$RT/tracefs" 2>/dev/null; then tfs=$RT/tracefs; TRACEFS_MOUNTED=$tfs; fi
    fi
    if [[ -n $tfs && -d $tfs/events/syscalls/sys_enter_openat ]] && mkdir "$tfs/instances/mstb-$MACHINE" 2>/dev/null; then
        TRACE_INST=$tfs/instances/mstb-$MACHINE
        ok=1
        # a new instance traces at once: off until the capture is live (see the probe loop below)
        echo 0 >"$TRACE_INST/tracing_on" && echo mono >"$TRACE_INST/trace_clock" &&
            echo 8192 >"$TRACE_INST/buffer_size_kb" || ok=0
        for e in $TRACE_EVENTS; do
            echo "common_pid == $C1" >"$TRACE_INST/events/syscalls/$e/filter" &&
                echo 1 >"$TRACE_INST/events/syscalls/$e/enable" || ok=0
        done
        if ((ok)); then
            fact trace_status ok
            cat "$TRACE_INST/trace_pipe" >"$RAW/trace.txt" &
            TRACECAT=$!
        else
            fact trace_status "could not set up the syscall tracepoints"; USE_TRACE=0
        fi
    else
        fact trace_status "tracefs or syscall tracepoints not available"; USE_TRACE=0
    fi
else
    fact trace_status disabled
fi
if ((USE_STRACE)); then
    strace -f -ttt -e trace=openat -p "$C1" -o "$RAW/strace-pid1.txt" 2>"$RAW/strace.err" &
    STRACEPID=$!
    sleep 1
fi

# ---------------------------------------------------------------- capture and storm
log "starting busctl capture"
inside /usr/bin/busctl --system capture --size=262144 >"$OUT/capture.pcapng" 2>"$RAW/busctl-capture.err" &
CAPPID=$!
stop_capture() { # SIGTERM to busctl itself (not to nsenter), wait until it has exited
    local b k
    b=$(descendants "$CAPPID" | while read -r p c; do [[ $c == busctl ]] && echo "$p"; done)
    [[ -n $b ]] && kill -TERM $b 2>/dev/null
    for ((k = 0; k < 100; k++)); do kill -0 "$CAPPID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$CAPPID" 2>/dev/null; then
        log "WARNING: busctl capture did not stop on SIGTERM, SIGKILL"
        kill -KILL $b "$CAPPID" 2>/dev/null
    fi
    wait "$CAPPID"; fact capture_exit "$?"; CAPPID=""
}
captured_pid1() { tshark -r "$OUT/capture.pcapng" -Y "dbus.sender == \"$PID1_NAME\"" 2>/dev/null | wc -l; }
probe() { inside /usr/bin/busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
    org.freedesktop.systemd1.Manager Version >/dev/null; }
for ((k = 0; k < 30; k++)); do
    probe || die "probe call to PID 1 failed"
    sleep 0.3
    (($(captured_pid1) > 0)) && break
done
(($(captured_pid1) > 0)) || die "busctl capture does not see PID 1's reply to a probe call after 9 s"
((USE_TRACE)) && echo 1 >"$TRACE_INST/tracing_on"
STATS_NAMES="${LOGIND_PID:+$(sed -n 's/^logind_unique_name\t//p' "$RAW/facts.tsv")}"
((STALLED)) && STATS_NAMES+=" $(sed -n 's/^stalled_subscriber_name\t//p' "$RAW/facts.tsv")"
[[ $RELAY == dbus-daemon ]] || STATS_NAMES="" # dbus-broker 33 has no GetConnectionStats
relay_stats before $STATS_NAMES
wait_quiet capture
CAP_BUSCTL_PID=$(child_named "$CAPPID" busctl) OBS_PY_PID=$(child_named "$OBSPID" python3)
fact clock_before "$(clock_pair)"
cpu_snap start
fact storm_start "$EPOCHREALTIME"

run_phase() { # in the background + wait, so that SIGINT/SIGTERM are handled at once
    inside_sh phase "$1" "$stormdir" "$MOUNTS" "$PAUSE_MS" "$FSTYPE" "/mstb/out/raw/times-$1.txt" &
    STORMPID=$!
    wait "$STORMPID" || die "$1 phase failed"
    STORMPID=""
}
log "phase mount: $MOUNTS x $FSTYPE at $stormdir/m<i>, pause $PAUSE_MS ms"
run_phase mount
wait_quiet mount
cpu_snap mount
fact mountinfo_lines_after_mount "$(inside /usr/bin/cat /proc/self/mountinfo | wc -l)"
inside /usr/bin/systemctl list-units --all --no-legend --plain --no-pager >"$RAW/units-after-mount.txt"
inside /usr/bin/systemctl show --no-pager -- "$(inside /usr/bin/systemd-escape --path --suffix=mount "$stormdir/m1")" \
    >"$RAW/show-first-mount.txt" 2>&1
cpu_snap umount-start
if ((UMOUNT)); then
    log "phase umount: $MOUNTS unmounts, pause $PAUSE_MS ms"
    run_phase umount
    wait_quiet umount
    cpu_snap umount
    inside /usr/bin/systemctl list-units --all --no-legend --plain --no-pager >"$RAW/units-after-umount.txt"
fi
fact clock_after "$(clock_pair)"
n0=$(captured_pid1)
# Not fatal: with lowered relay limits PID 1 may be off the bus (dbus-broker disconnected it) or the
# capture may have been cut; the serial check in meta.json then says what is missing.
if timeout 30 nsenter -t "$C1" -m -u -i -n -p -C -- /usr/bin/env -i PATH=/usr/bin /usr/bin/busctl --system \
    get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version \
    >/dev/null 2>"$RAW/final-probe.err"; then
    fact final_probe ok
    for ((k = 0; k < 50; k++)); do (($(captured_pid1) > n0)) && break; sleep 0.1; done
else
    fact final_probe "failed: $(head -c 200 "$RAW/final-probe.err" | tr '\n' ' ')"
    log "WARNING: the final probe call to PID 1 failed: $(head -c 200 "$RAW/final-probe.err")"
fi
fact storm_end_probe "$EPOCHREALTIME"
relay_stats after $STATS_NAMES
if ((STALLED)); then # end the stall: the subscriber reads what the relay kept for it, then closes
    log "draining the stalled subscriber"
    fact stalled_drain_start "$EPOCHREALTIME"
    kill -USR1 "$SUBPID" 2>/dev/null
    for ((k = 0; k < 1200; k++)); do kill -0 "$SUBPID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SUBPID" 2>/dev/null; then
        fact stalled_drain "did not finish in 120 s"
    else
        wait "$SUBPID"; fact stalled_drain_exit "$?"; SUBPID=""
        fact stalled_drain "$(sed -n 's/^#end //p' "$RAW/stalled-drain.tsv" 2>/dev/null)"
    fi
    sleep 1 # its goodbye (NameOwnerChanged) into the capture, if the monitor is still connected
fi
[[ -n $OBSPID ]] && stop_observer

log "stopping the capture"
stop_capture
if ((USE_STRACE)); then kill -INT "$STRACEPID"; wait "$STRACEPID"; STRACEPID=""; fi
if ((USE_TRACE)); then
    echo 0 >"$TRACE_INST/tracing_on"
    s0=-1
    for ((k = 0; k < 50; k++)); do s1=$(stat -c %s "$RAW/trace.txt"); [[ $s1 == "$s0" ]] && break; s0=$s1; sleep 0.2; done
    kill -TERM "$TRACECAT"; wait "$TRACECAT"; TRACECAT=""
    lost=0
    while read -r _ v; do lost=$((lost + v)); done < <(cat "$TRACE_INST"/per_cpu/cpu*/stats |
        grep -E '^(overrun|dropped events):' | sed 's/^dropped events:/dropped:/')
    fact trace_lost "$lost"
    # resolve the filename pointers now, while PID 1 still runs (see testbed.py resolve-pointers)
    python3 "$SCRIPT_DIR/testbed.py" resolve-pointers "$C1" "$RAW/trace.txt" >"$RAW/openat-pointers.tsv" ||
        log "WARNING: could not resolve openat pointers"
fi
inside /usr/bin/journalctl -b --no-pager -o short-monotonic 2>/dev/null | tail -n 20000 >"$RAW/journal.txt"
# every entry with its fields (dbus-broker's DBUS_BROKER_* fields, __REALTIME_TIMESTAMP) for testbed.py relays
inside /usr/bin/journalctl -b --no-pager -o json 2>/dev/null | gzip -c >"$RAW/journal.json.gz"
cpu_snap end

cleanup
fact finished "$(date -u +%FT%T.%3NZ)"
log "analysing"
python3 "$SCRIPT_DIR/testbed.py" analyze "$OUT" || { echo "$PROG: analysis failed" >&2; exit 1; }
python3 "$SCRIPT_DIR/testbed.py" relays "$OUT" || { echo "$PROG: relay analysis failed" >&2; exit 1; }
[[ -s $RAW/leftovers.txt ]] && exit 1
exit 0
