#!/usr/bin/env python3
"""relays-csv.py - one CSV row per testbed run of the relay check (issue 13 item 5).

Usage: relays-csv.py [-o OUT.csv] [--copy DIR] RUNDIR...

For every RUNDIR (a run-storm.sh output directory with meta.json) it (re)computes RUNDIR/relays.json
with `testbed.py relays` when the run's raw files are there (RUNDIR/raw/journal.json.gz), and reads
RUNDIR/relays.json as it is otherwise (the copies under tests/testbed/relays/) (who the relay disconnected or dropped messages for, from the relay's
journal, the capture, the observer and the stalled subscriber's drain) and writes one row: the
shape, the relay, the limits, dbus-broker's quota, the stalled subscriber's drain, the longest
pause between two of PID 1's captured signals (dbus-daemon's back-pressure), then per peer role (stalled, logind, pid1,
monitor, observer) what happened to it:

  <role>_outcome    cut (dbus-broker disconnected it), drops (dbus-daemon dropped messages for it),
                    or empty
  <role>_t          seconds from the mount loop's start: for a cut, the capture (or observer) time
                    of the message whose charge failed; for drops, that of the first message not
                    delivered (stalled subscriber) or the first drop line (others, journald's time)
  <role>_phase      mount or umount (when that happened)
  <role>_messages   messages delivered (or queued) to it before: the stalled subscriber's own count
                    when it read at the end; otherwise PID 1's signals that match its rules with a
                    serial below the failing message's (for PID 1 itself: the signals it had sent;
                    dbus-daemon's drops for the observer: those it received before its first gap)
  <role>_bytes      their bytes on the wire (with the sender field the relay adds)
  <role>_unknown    PID 1 serials below the failing one that neither the capture nor the observer saw
                    (0 = the count is exact)
  <role>_dropped    dbus-daemon: drop lines for it in the journal
  <role>_serial     the failing message's serial (dbus-broker) or the first not delivered (stalled)
  <role>_member     its member
  <role>_kind       dbus-broker's reason (broadcast signal, monitor copy, own incoming message, ...)
  <role>_quota      the quota row logged for it: slot:amount:remaining:consumed:n_actors, '*' if the
                    line was logged for an earlier peer of the same uid (once per usage)

With --copy DIR it also copies, per run, meta.json, relays.json and raw/relay-journal.txt (the
relay's lines and PID 1's lines about its bus and logind) into DIR/<run>/.
Standard library only.  Exit status: 0 ok, 1 a run could not be analysed, 2 bad arguments.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROLES = ["stalled", "logind", "pid1", "monitor", "observer", "other"]
PER_ROLE = ["outcome", "t", "phase", "messages", "bytes", "unknown", "dropped", "serial", "member", "kind", "quota"]
RUN_COLS = ["run", "relay", "mounts", "stalled", "umount", "observer", "relay_limits", "broker_max_bytes",
            "broker_args_as_expected", "pid1_signals_known", "stalled_drained", "stalled_drained_bytes",
            "stalled_drain_end", "pid1_longest_pause_s", "pid1_signals_before_pause", "final_probe", "pid1_api_bus_disconnects", "logind_restarts",
            "logind_back_after_s", "journal_suppressed", "host_busy_mount", "host_busy_umount", "cleanup_ok"]


def usage(msg):
    print("relays-csv.py: %s (see --help)" % msg, file=sys.stderr)
    sys.exit(2)


def fmt_quota(d):
    q = d.get("quota")
    if not q:
        return ""
    s = "%s:%s:%s:%s:%s" % (q.get("slot"), q.get("amount"), q.get("remaining"), q.get("consumed"), q.get("n_actors"))
    return s if d.get("quota_line_own", True) else s + "*"


def row_for(run):
    with open(os.path.join(run, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(run, "relays.json")) as f:
        rel = json.load(f)
    sh = meta["shape"]
    facts = {}
    fp = os.path.join(run, "raw", "facts.tsv")
    if os.path.exists(fp):
        for line in open(fp):
            k, _, v = line.rstrip("\n").partition("\t")
            facts[k] = v
    lim = rel["limits"]
    row = {
        "run": os.path.basename(os.path.normpath(run)), "relay": rel["relay"], "mounts": sh.get("mounts"),
        "stalled": sh.get("stalled_subscriber"), "umount": sh.get("umount"),
        "observer": facts.get("observer", "1" if "--observer" in (meta.get("command_line") or "") else "0"),
        "relay_limits": " ".join("%s=%s" % kv for kv in sorted(lim["requested"].items())),
        "broker_max_bytes": (lim.get("broker_command_line") or {}).get("max_bytes", ""),
        "broker_args_as_expected": lim.get("broker_matches_expected", ""),
        "pid1_signals_known": rel.get("pid1_signals_known"),
        "final_probe": "ok" if rel.get("final_probe") == "ok" else "failed" if rel.get("final_probe") else "",
        "pid1_api_bus_disconnects": rel.get("pid1_api_bus_disconnects"),
        "logind_restarts": rel.get("logind_restarts"),
        "journal_suppressed": len(rel.get("journal_suppressed") or []),
        "cleanup_ok": meta.get("cleanup", {}).get("ok"),
    }
    lp = rel.get("pid1_longest_pause")
    if lp:
        row.update(pid1_longest_pause_s=round(lp["seconds"], 3), pid1_signals_before_pause=lp["after_signals"])
    dr = rel.get("stalled_drain")
    if dr:
        row.update(stalled_drained=dr["messages"], stalled_drained_bytes=dr["bytes"], stalled_drain_end=dr["end"])
    lg = rel.get("logind_after_cut")
    if lg and lg.get("started_again_t_relative") is not None:
        row["logind_back_after_s"] = round(lg["started_again_t_relative"] - lg["cut_t_relative_journal"], 3)
    for ph in ("mount", "umount"):
        h = (meta.get("cpu") or {}).get(ph, {}).get("host") or {}
        row["host_busy_" + ph] = h.get("busy_fraction", "")
    seen = set()
    for d in rel.get("disconnects") or []:
        role = d["role"] if d["role"] in ROLES else "other"
        if role in seen:  # a second cut of the same role (a reconnected PID 1, a restarted logind)
            row[role + "_outcome"] += "+cut"
            continue
        seen.add(role)
        msg = d.get("message") or {}
        row.update({
            role + "_outcome": "cut",
            role + "_t": d.get("t_relative_message", d.get("t_relative_journal")),
            role + "_phase": d.get("phase"),
            role + "_messages": d.get("delivered_drained", d.get("messages_before", d.get("pid1_signals_sent_before"))),
            role + "_bytes": d.get("delivered_drained_bytes", d.get("bytes_before")),
            role + "_unknown": d.get("unknown_serials_before", ""),
            role + "_serial": msg.get("serial", d.get("pid1_last_serial_before", "")),
            role + "_member": msg.get("member", ""),
            role + "_kind": d.get("kind"),
            role + "_quota": fmt_quota(d),
        })
    for r in rel.get("drops") or []:
        role = r["role"] if r["role"] in ROLES else "other"
        row.update({
            role + "_outcome": "drops",
            role + "_t": r.get("t_relative_message", r.get("first_t_relative_journal")),
            role + "_phase": r.get("phase_first"),
            role + "_messages": r.get("delivered_drained", r.get("messages_before_first_drop",
                                                                 r.get("messages_before_first_drop_approx"))),
            role + "_bytes": r.get("delivered_drained_bytes", r.get("bytes_before_first_drop", "")),
            role + "_dropped": r["dropped"],
            role + "_serial": r.get("first_drop_serial", ""),
            role + "_member": ",".join("%s=%d" % kv for kv in sorted(r["by_member"].items())),
        })
    return row


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__)
        return 0
    out, copy, runs = None, None, []
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a in ("-o", "--copy"):
            if not args:
                usage("%s: expected a path, found nothing" % a)
            if a == "-o":
                out = args.pop(0)
            else:
                copy = args.pop(0)
        elif a.startswith("-"):
            usage("unknown option '%s'" % a)
        else:
            runs.append(a)
    if not runs:
        usage("expected directories of runs (with meta.json), found none")
    for r in runs:
        if not os.path.isfile(os.path.join(r, "meta.json")):
            usage("expected directories of runs (with meta.json), found '%s'" % r)
        if not (os.path.isfile(os.path.join(r, "raw", "journal.json.gz")) or os.path.isfile(os.path.join(r, "relays.json"))):
            usage("expected runs with raw/journal.json.gz or relays.json, found neither in '%s'" % r)
    rows = []
    for r in sorted(runs, key=lambda x: os.path.basename(os.path.normpath(x))):
        if os.path.isfile(os.path.join(r, "raw", "journal.json.gz")):
            p = subprocess.run([sys.executable, os.path.join(HERE, "testbed.py"), "relays", r],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                print("relays-csv.py: %s: testbed.py relays failed: %s" % (r, p.stderr.strip()[-500:]), file=sys.stderr)
                return 1
        rows.append(row_for(r))
        if copy:
            dst = os.path.join(copy, os.path.basename(os.path.normpath(r)))
            os.makedirs(dst, exist_ok=True)
            for f in ("meta.json", "relays.json", os.path.join("raw", "relay-journal.txt")):
                shutil.copy(os.path.join(r, f), os.path.join(dst, os.path.basename(f)))
    cols = RUN_COLS + ["%s_%s" % (role, k) for role in ROLES for k in PER_ROLE]
    f = open(out, "w", newline="") if out else sys.stdout
    w = csv.DictWriter(f, fieldnames=cols, extrasaction="raise")
    w.writeheader()
    for row in rows:
        w.writerow({c: ("" if row.get(c) is None else row.get(c, "")) for c in cols})
    if out:
        f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
