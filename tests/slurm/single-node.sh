#!/usr/bin/env bash
# single-node.sh: a real, throw-away Slurm cluster on this machine, for tests.
#
#   single-node.sh start [DIR]      start munged, slurmctld and slurmd in DIR (empty or absent; default
#                                   mktemp -d); prints only "export SLURM_CONF=...; export SN_DIR=..."
#                                   lines on stdout (progress and errors go to stderr); exits 1, after
#                                   stopping whatever it started, if any step fails
#   single-node.sh env DIR          prints the same export lines for a running cluster
#   single-node.sh status DIR       which daemons run, and sinfo
#   single-node.sh stop DIR [--rm]  cancels every job, stops the three daemons by PID, then (--rm)
#                                   deletes DIR
#   single-node.sh selftest         start, a 4-task job array, check its output, stop --rm
#
# Use it from a test like this (capture first: eval "$(... start)" would hide a failed start):
#   env=$(single-node.sh start "$d") || exit 1; eval "$env"; trap 'single-node.sh stop "$d" --rm' EXIT
#
# Everything lives in DIR: slurm.conf, munge/ (key, socket, pid, log, seed), state/, spool/,
# log/ (slurmctld.log, slurmd.log), run/ (pid files), out/ (for job output) and the marker
# .single-node-slurm, without which stop refuses to act. Nothing touches /etc/munge, /run/munge,
# /etc/slurm or any system service, and daemons are stopped only by the PIDs in DIR's pid files
# (checked against /proc/PID/comm). Root only: SlurmUser, SlurmdUser and the jobs are root.
#
# The recipe, and why each setting is there, is in the field notes on single-node Slurm
# (docs/slurm-single-node-notes.md of the shared docs): linuxproc process tracking and no task
# plugin (the cgroup plugins make every job fail on a host whose cgroup v1 freezer is not mounted),
# SlurmctldHost=localhost(127.0.0.1) and slurmd -N (nothing depends on the hostname or DNS),
# batch_sched_delay=0, a 0711 directory for munged's socket, and a stop that looks at every
# thread's state because PID 1 may reap exited daemons late.
#
# Settings (environment): SN_PORT (first of two ports; default: a free pair picked at random in
# 20000-29999), SN_NODE (node name; default hostname -s), SN_TIMEOUT (seconds for each wait; default
# 60), SN_SCHED_PARAMS (default batch_sched_delay=0), SN_OVERSUBSCRIBE (default NO).
#
# Needs: slurm-wlm (slurmctld, slurmd, slurm-client) and munge (Debian packages), ss (iproute2),
# timeout (coreutils).
set -euo pipefail

MARKER=.single-node-slurm
SN_TIMEOUT=${SN_TIMEOUT:-60}

say() { echo "single-node: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

need_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (SlurmUser=root, SlurmdUser=root, and jobs run as root)"
}

need_tools() {
  local t missing=()
  for t in mungekey munged munge unmunge slurmctld slurmd sinfo squeue scancel ss timeout; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || die "not installed: ${missing[*]} (apt-get install slurm-wlm munge iproute2)"
}

# Seconds since an arbitrary point, with a fractional part.
now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
timed_out() { awk -v a="$1" -v b="$(now)" -v t="$SN_TIMEOUT" 'BEGIN { exit !(b - a > t) }'; }

# --- processes, by PID ---

pid_file() {  # DIR NAME -> path of NAME's pid file
  case "$2" in
    munged) echo "$1/munge/munged.pid" ;;
    *) echo "$1/run/$2.pid" ;;
  esac
}

# The PID of daemon NAME of DIR, if its pid file names a process whose comm is NAME.
daemon_pid() {  # DIR NAME
  local f pid comm
  f=$(pid_file "$1" "$2")
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$2" ] || return 1
  echo "$pid"
}

# True while some thread of PID (whose comm is NAME) is not a zombie. PID 1 may reap an exited
# daemon seconds later, and a daemon's leader thread can be a zombie while its other threads run.
running() {  # PID NAME
  local stat state
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
  for stat in /proc/"$1"/task/*/stat; do
    state=$(sed -e 's/^.*) //' "$stat" 2>/dev/null | cut -d' ' -f1) || continue
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] && return 0
  done
  return 1
}

# True if daemon NAME of DIR wrote its pid file and has exited since (DIR is fresh: no stale files).
daemon_exited() {  # DIR NAME
  local f pid
  f=$(pid_file "$1" "$2")
  [ -s "$f" ] || return 1
  if pid=$(daemon_pid "$1" "$2") && running "$pid" "$2"; then return 1; fi
  return 0
}

# --- start ---

STARTING_DIR=""
fail_start() {
  say "error: $*"
  if [ -n "$STARTING_DIR" ]; then
    show_logs "$STARTING_DIR"
    stop_daemons "$STARTING_DIR" >&2 || true
  fi
  exit 1
}

show_logs() {  # DIR
  local f
  for f in "$1/munge/munged.log" "$1/log/slurmctld.log" "$1/log/slurmd.log"; do
    [ -f "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 25 "$f" >&2 || true
  done
}

# Every directory from / to DIR must let others search it (o+x), or munged refuses its socket.
check_searchable() {  # DIR
  local p=$1 mode
  while :; do
    mode=$(stat -c %a "$p")
    if [ $((8#$mode & 1)) -ne 1 ]; then
      die "$p (mode $mode) is not searchable by others, so munged cannot use a socket below it; use a directory under /tmp"
    fi
    [ "$p" = / ] && break
    p=$(dirname "$p")
  done
}

port_free() {  # PORT
  [ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
}

choose_ports() {
  local p i
  if [ -n "${SN_PORT:-}" ]; then
    case "$SN_PORT" in '' | *[!0-9]*) say "error: SN_PORT=$SN_PORT: expected a port number"; return 1 ;; esac
    if ! port_free "$SN_PORT" || ! port_free $((SN_PORT + 1)); then
      say "error: SN_PORT=$SN_PORT: port $SN_PORT or $((SN_PORT + 1)) is in use"
      return 1
    fi
    echo "$SN_PORT"
    return
  fi
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 9999))
    if port_free "$p" && port_free $((p + 1)); then
      echo "$p"
      return
    fi
  done
  say "error: found no free pair of ports in 20000-29999"
  return 1
}

exports() {  # DIR
  printf 'export SLURM_CONF=%q\nexport SN_DIR=%q\n' "$1/slurm.conf" "$1"
}

cmd_start() {
  need_root
  need_tools
  local d=${1:-} t0 port node hw state
  t0=$(now)
  if [ -z "$d" ]; then
    d=$(mktemp -d)
  elif [ -e "$d" ]; then
    [ -d "$d" ] || die "$d: not a directory"
    [ -z "$(ls -A "$d")" ] || die "$d: not empty (start needs an empty or absent directory)"
  else
    mkdir -p "$d"
  fi
  d=$(cd "$d" && pwd -P)
  chmod 711 "$d"
  check_searchable "$d"
  mkdir -m 711 "$d/munge"
  mkdir "$d/state" "$d/spool" "$d/log" "$d/run" "$d/out"
  : >"$d/$MARKER"
  STARTING_DIR=$d

  # munge: a key of our own, a socket in DIR.
  mungekey --create --keyfile="$d/munge/munge.key" >/dev/null 2>&1 || fail_start "mungekey --create failed"
  chmod 600 "$d/munge/munge.key"
  munged --key-file="$d/munge/munge.key" --socket="$d/munge/munge.socket" --pid-file="$d/munge/munged.pid" \
    --seed-file="$d/munge/munged.seed" --log-file="$d/munge/munged.log" 2>"$d/munge/munged.stderr" ||
    fail_start "munged did not start: $(cat "$d/munge/munged.stderr")"
  until munge -n -S "$d/munge/munge.socket" 2>/dev/null | unmunge -S "$d/munge/munge.socket" >/dev/null 2>&1; do
    timed_out "$t0" && fail_start "munged does not answer on $d/munge/munge.socket"
    sleep 0.05
  done

  # slurm.conf
  port=$(choose_ports) || fail_start "no ports"
  node=${SN_NODE:-$(hostname -s)}
  hw=$(slurmd -C 2>/dev/null | head -n 1 | sed -E 's/^NodeName=[^ ]+ ?//') || true
  [ -n "$hw" ] || fail_start "slurmd -C printed no node description"
  cat >"$d/slurm.conf" <<EOF
# Generated by single-node.sh: a throw-away single-node cluster in $d
ClusterName=sn$port
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=${SN_SCHED_PARAMS:-batch_sched_delay=0}
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=${SN_OVERSUBSCRIBE:-NO}
EOF
  export SLURM_CONF="$d/slurm.conf"

  # slurmctld forks, and exits after forking if the configuration is wrong: wait until it listens.
  slurmctld -f "$d/slurm.conf" 2>"$d/log/slurmctld.stderr" || fail_start "slurmctld failed: $(cat "$d/log/slurmctld.stderr")"
  while :; do
    daemon_exited "$d" slurmctld && fail_start "slurmctld exited"
    [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ] && daemon_pid "$d" slurmctld >/dev/null && break
    timed_out "$t0" && fail_start "slurmctld does not listen on port $port"
    sleep 0.02
  done

  slurmd -f "$d/slurm.conf" -N "$node" 2>"$d/log/slurmd.stderr" || fail_start "slurmd failed: $(cat "$d/log/slurmd.stderr")"
  while :; do
    state=$(timeout 10 sinfo -h -n "$node" -o %t 2>/dev/null || true)
    [ "$state" = idle ] && break
    daemon_exited "$d" slurmd && fail_start "slurmd exited"
    daemon_exited "$d" slurmctld && fail_start "slurmctld exited"
    timed_out "$t0" && fail_start "node $node is not idle (sinfo says '${state}')"
    sleep 0.05
  done
  say "cluster sn$port up in $d (node $node, ports $port-$((port + 1))) after $(elapsed_since "$t0") s"
  exports "$d"
}

# --- stop ---

check_marker() {  # DIR
  [ -d "$1" ] || die "$1: no such directory"
  [ -f "$1/$MARKER" ] || die "$1: not a single-node cluster directory (no $MARKER); refusing to act on it"
}

# Cancels every job and waits (a while) until none is left: slurmstepd and the job's processes
# would outlive slurmd.
cancel_jobs() {  # DIR
  local d=$1 t0 jobs
  daemon_pid "$d" slurmctld >/dev/null || return 0
  [ -f "$d/slurm.conf" ] || return 0
  t0=$(now)
  jobs=$(SLURM_CONF="$d/slurm.conf" timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
  [ -n "${jobs// /}" ] || return 0
  say "cancelling jobs: $jobs"
  # shellcheck disable=SC2086
  SLURM_CONF="$d/slurm.conf" timeout 10 scancel $jobs 2>/dev/null || true
  while [ -n "$(SLURM_CONF="$d/slurm.conf" timeout 10 squeue -h 2>/dev/null || true)" ]; do
    awk -v a="$t0" -v b="$(now)" 'BEGIN { exit !(b - a > 20) }' && {
      say "warning: jobs still listed 20 s after scancel"
      break
    }
    sleep 0.1
  done
}

# Sends TERM to every daemon of DIR (by the PIDs in its pid files), waits until all have exited,
# and sends KILL to any still running after 15 s.
stop_daemons() {  # DIR
  local d=$1 name pid t0 left pids=() names=() i killed=0
  cancel_jobs "$d"
  for name in slurmd slurmctld munged; do
    if pid=$(daemon_pid "$d" "$name") && running "$pid" "$name"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
  done
  t0=$(now)
  while :; do
    left=0
    for i in "${!pids[@]}"; do
      running "${pids[$i]}" "${names[$i]}" && left=$((left + 1))
    done
    [ "$left" -eq 0 ] && break
    if awk -v a="$t0" -v b="$(now)" 'BEGIN { exit !(b - a > 15) }'; then
      if [ "$killed" -eq 0 ]; then
        for i in "${!pids[@]}"; do
          if running "${pids[$i]}" "${names[$i]}"; then
            say "warning: ${names[$i]} (PID ${pids[$i]}) ignored SIGTERM for 15 s; sending SIGKILL"
            kill -KILL "${pids[$i]}" 2>/dev/null || true
          fi
        done
        killed=1
        t0=$(now)
      else
        say "error: daemons still running after SIGKILL"
        return 1
      fi
    fi
    sleep 0.05
  done
  [ ${#names[@]} -eq 0 ] || say "stopped ${names[*]}"
}

cmd_stop() {
  need_root
  local d=${1:-} rm=0
  [ -n "$d" ] || die "usage: single-node.sh stop DIR [--rm]"
  [ "${2:-}" = "--rm" ] && rm=1
  check_marker "$d"
  d=$(cd "$d" && pwd -P)
  stop_daemons "$d"
  if [ "$rm" -eq 1 ]; then rm -rf -- "$d"; fi
}

cmd_env() {
  local d=${1:-}
  [ -n "$d" ] || die "usage: single-node.sh env DIR"
  check_marker "$d"
  exports "$(cd "$d" && pwd -P)"
}

cmd_status() {
  local d=${1:-} name pid rc=0
  [ -n "$d" ] || die "usage: single-node.sh status DIR"
  check_marker "$d"
  for name in munged slurmctld slurmd; do
    if pid=$(daemon_pid "$d" "$name") && running "$pid" "$name"; then
      echo "$name: running, PID $pid"
    else
      echo "$name: not running"
      rc=1
    fi
  done
  SLURM_CONF="$d/slurm.conf" timeout 10 sinfo 2>&1 || rc=1
  return "$rc"
}

cmd_selftest() {
  local env jid i t0
  # self and d are global: the EXIT trap runs after this function has returned.
  self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
  d=$(mktemp -d)
  env=$("$self" start "$d") || exit 1
  eval "$env"
  trap '"$self" stop "$d" --rm' EXIT
  t0=$(now)
  # shellcheck disable=SC2016 # expanded by the job's shell
  jid=$(sbatch --parsable --array=0-3 --output="$d/out/slurm-%A_%a.out" --chdir="$d/out" \
    --wrap 'echo task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT > out.$SLURM_ARRAY_TASK_ID')
  jid=${jid%%;*}
  while [ -n "$(squeue -h -j "$jid" 2>/dev/null)" ]; do
    timed_out "$t0" && die "the array job $jid did not finish in ${SN_TIMEOUT} s"
    sleep 0.1
  done
  for i in 0 1 2 3; do
    [ "$(cat "$d/out/out.$i" 2>/dev/null)" = "task $i of 4" ] || {
      show_logs "$d"
      die "out.$i: expected 'task $i of 4', found '$(cat "$d/out/out.$i" 2>/dev/null)'"
    }
  done
  say "selftest passed: a 4-task array ran in $(elapsed_since "$t0") s"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  env) shift; cmd_env "$@" ;;
  status) shift; cmd_status "$@" ;;
  selftest) shift; cmd_selftest "$@" ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
