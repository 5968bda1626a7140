#!/usr/bin/env python3
"""signal-costs.py - what each signal cost the testbed's PID 1, from a perf profile of a storm.

usage: tools/testbed/signal-costs.py DIR

DIR is what profile-pid1.sh wrote: DIR/run (the storm, as run-storm.sh writes it: meta.json and
counts.json) and DIR/perf-script.txt (`perf script` of PID 1 with call chains, CLOCK_MONOTONIC
timestamps). For each phase (from the loop's start to PID 1 quiet) it counts PID 1's samples whose
call chain holds sd_bus_emit_properties_changed_strv() (one PropertiesChanged built and sent), and
of the rest those under bus_unit_send_change_signal() (UnitNew) and bus_unit_send_removed_signal()
(UnitRemoved), and prints each as CPU per message: samples x sampling period / messages of that
member that PID 1 sent in the phase (counts.json). docs/VALIDATION.md section 7, "What each signal
costs PID 1", gives the figures and what the profiles took from them. Exit status 2 on bad
arguments or files.
"""
import collections
import json
import os
import sys

MARKERS = [("PropertiesChanged", "sd_bus_emit_properties_changed_strv"),
           ("UnitNew", "bus_unit_send_change_signal"),
           ("UnitRemoved", "bus_unit_send_removed_signal")]


def fail(message):
    print("signal-costs.py: " + message, file=sys.stderr)
    sys.exit(2)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))


def samples(path, pid):
    """(time, period ns, function names of the call chain) of each sample of `pid`."""
    try:
        text = open(path).read()
    except OSError as e:
        fail("%s: %s" % (path, e))
    for block in text.split("\n\n"):
        lines = [l.strip() for l in block.strip().split("\n") if l.strip()]
        if not lines:
            continue
        head = lines[0].split()
        # comm pid/tid time: period event:  (perf script -F comm,pid,tid,time,period,event,ip,sym)
        try:
            sample_pid = int(head[1].split("/")[0])
            time = float(head[2].rstrip(":"))
            period = int(head[3])
        except (IndexError, ValueError):
            fail("%s: a sample header that is not 'comm pid/tid time: period event:': %s" % (path, lines[0]))
        if sample_pid != pid:
            continue
        yield time, period, [l.split(" ", 1)[1].split("+")[0] for l in lines[1:] if " " in l]


def phase_windows(meta):
    offset = meta["clock"]["realtime_minus_monotonic_before"]
    windows = {}
    for phase, t in meta["timing"].items():
        if "loop_start_monotonic" in t and "quiet_at" in t:
            windows[phase] = (t["loop_start_monotonic"], t["quiet_at"] - offset)
    return windows


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        fail("expected one directory, as profile-pid1.sh writes it")
    d = argv[1]
    meta = load_json(os.path.join(d, "run", "meta.json"))
    counts = load_json(os.path.join(d, "run", "counts.json"))
    try:
        pid = int(meta["container"]["pid1_host_pid"])
        windows = phase_windows(meta)
    except (KeyError, TypeError, ValueError) as e:
        fail("%s: no PID 1 or phase times in meta.json (%s)" % (d, e))
    found = collections.Counter()
    period = {}
    for time, p, chain in samples(os.path.join(d, "perf-script.txt"), pid):
        for phase, (start, end) in windows.items():
            if start <= time < end:
                period[phase] = p
                found[phase, "all"] += 1
                for member, function in MARKERS:
                    if function in chain:
                        found[phase, member] += 1
                        break
    print("phase   member              messages  samples  us each")
    for phase in windows:
        by_member = counts.get("pid1", {}).get(phase, {}).get("by_member", {})
        for member, _ in MARKERS:
            n, s = by_member.get(member, 0), found[phase, member]
            each = "%.1f" % (s * period.get(phase, 0) / 1e3 / n) if n else "-"
            print("%-7s %-18s %9d %8d %8s" % (phase, member, n, s, each))
        print("%-7s %-18s %9s %8d" % (phase, "(all of PID 1)", "", found[phase, "all"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
