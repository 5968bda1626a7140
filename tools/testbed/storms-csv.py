#!/usr/bin/env python3
"""storms-csv.py - the testbed's storms as one CSV, the input of `mountstorm testbed-check`.

usage: tools/testbed/storms-csv.py [--scenario 252=PATH] [--scenario 257=PATH] OUTROOT... > storms.csv

Reads every run directory under each OUTROOT (a meta.json written by run-storm.sh, without an
error) and writes one row per storm: its shape, the scenario it is simulated from (the base scenario of
its systemd version, relative to where storms.csv will be written: give --scenario so), and for
each phase (m_ mount, u_ umount) the loop's timing and what the capture and the kernel trace
recorded: PID 1's signals by member, rescans of /proc/self/mountinfo, PID 1's active time (loop
start to its last rescan or signal) and CPU time (schedstat).

Runs of the same name under several OUTROOTs are repetitions of one storm: the row takes the
counts (signals, members, rescans) of the run whose PID 1 sent the median number of signals (the
lower median of an even number; ties broken by rescans), and each phase's timing and CPU time as
the median over all runs. The column `runs` says how many there were, and runs_signals_min/_max,
runs_rescans_min/_max, runs_pid1_cpu_s_min/_max and runs_active_s_min/_max how far the whole storm
varied between them.

Runs whose capture lost something (a gap in PID 1's serials) or whose cleanup failed are skipped
with a note on stderr: their counts cannot be trusted. Exit status 2 on bad arguments.
"""
import csv
import json
import os
import sys

MEMBERS = ["UnitNew", "UnitRemoved", "PropertiesChanged", "JobNew", "JobRemoved"]
DEFAULT_SCENARIOS = {"252": "../../scenarios/testbed/debian12-container.json",
                     "257": "../../scenarios/testbed/debian13-container.json"}


def usage(message):
    print("storms-csv.py: " + message, file=sys.stderr)
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    sys.exit(2)


def systemd_major(meta):
    version = meta["versions"].get("pkg_systemd") or meta["versions"].get("systemd_version") or ""
    digits = ""
    for ch in version.replace("systemd ", ""):
        if not ch.isdigit():
            break
        digits += ch
    return digits


def phase_columns(prefix, meta, phase):
    timing = (meta.get("timing") or {}).get(phase)
    summary = (meta.get("summary") or {}).get(phase)
    cpu = (meta.get("cpu") or {}).get(phase) or {}
    row = {}
    keys = ["loop_s", "op_mean_s", "start_s", "signals"] + MEMBERS + ["other", "rescans", "active_s",
                                                                       "pid1_cpu_s", "host_busy"]
    if not timing or not summary:
        return {prefix + k: "" for k in keys}
    start0 = meta["timing"]["mount"]["loop_start"]
    by_member = summary["by_member"]
    row[prefix + "loop_s"] = "%.6f" % timing["loop_seconds"]
    row[prefix + "op_mean_s"] = "%.6f" % timing["op_seconds_mean"]
    row[prefix + "start_s"] = "%.6f" % (timing["loop_start"] - start0)
    row[prefix + "signals"] = summary["pid1_signals"]
    for m in MEMBERS:
        row[prefix + m] = by_member.get(m, 0)
    row[prefix + "other"] = sum(v for k, v in by_member.items() if k not in MEMBERS)
    row[prefix + "rescans"] = summary["rescans"] if summary["rescans"] is not None else ""
    active = timing.get("pid1_active_seconds")
    row[prefix + "active_s"] = "%.6f" % active if active is not None else ""
    row[prefix + "pid1_cpu_s"] = "%.6f" % cpu["pid1"]["sched_seconds"] if "pid1" in cpu else ""
    row[prefix + "host_busy"] = cpu.get("host", {}).get("busy_fraction", "")
    return row


def storm_row(name, meta, scenarios):
    shape = meta["shape"]
    major = systemd_major(meta)
    if major not in scenarios:
        raise ValueError("systemd %s has no base scenario (give --scenario %s=PATH)" % (major or "?", major or "N"))
    row = {
        "storm": name,
        "systemd": major,
        "relay": shape["relay"],
        "scenario": scenarios[major],
        "mounts": shape["mounts"],
        "pause_ms": shape["pause_ms"],
        "depth": shape["depth"],
        "storm_dir": shape["storm_dir"],
        "preexisting": shape["preexisting"],
        "pre_base": shape["pre_base"],
        "fstype": shape["fstype"],
        "burst": shape["burst"],
        "subscriber": "none" if shape["no_subscriber"] == "1" else "logind",
        "mountinfo_lines_before": meta["container"].get("mountinfo_lines_before", ""),
    }
    row.update(phase_columns("m_", meta, "mount"))
    row.update(phase_columns("u_", meta, "umount"))
    return row


def runs(root):
    for d, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        if "meta.json" in files:
            yield d


def median(values):
    values = sorted(values)
    return values[(len(values) - 1) // 2]


TIMING = ["loop_s", "op_mean_s", "start_s", "active_s", "pid1_cpu_s", "host_busy"]


def combine(rows):
    """One row from repetitions of a storm (see the usage)."""
    by_signals = sorted(rows, key=lambda r: (storm_total(r, "signals", int), storm_total(r, "rescans", int)))
    row = dict(by_signals[(len(rows) - 1) // 2])
    for p in ("m_", "u_"):
        for k in TIMING:
            values = [float(r[p + k]) for r in rows if r[p + k] != ""]
            if values:
                row[p + k] = ("%.6f" % median(values)) if k != "host_busy" else median(values)
    row["runs"] = len(rows)
    for k, kind in (("signals", int), ("rescans", int), ("pid1_cpu_s", float), ("active_s", float)):
        values = [storm_total(r, k, kind) for r in rows]
        text = (lambda v: "%.6f" % v) if kind is float else str
        row["runs_" + k + "_min"], row["runs_" + k + "_max"] = text(min(values)), text(max(values))
    return row


def storm_total(row, key, kind):
    """A storm's figure over both phases (an empty umount column counts 0)."""
    return sum(kind(row[p + key] or 0) for p in ("m_", "u_"))


def main(argv):
    scenarios = dict(DEFAULT_SCENARIOS)
    args = argv[1:]
    roots = []
    while args:
        a = args.pop(0)
        if a == "--scenario":
            if not args or "=" not in args[0]:
                usage("--scenario: expected VERSION=PATH, e.g. 252=scenarios/testbed/debian12-container.json")
            version, path = args.pop(0).split("=", 1)
            scenarios[version] = path
        elif a.startswith("-"):
            usage("unknown option " + a)
        else:
            roots.append(a)
    if not roots or not all(os.path.isdir(r) for r in roots):
        usage("expected directories of testbed runs")
    storms = {}
    for root in roots:
        collect(root, scenarios, storms)
    if not storms:
        usage("no usable runs under " + " ".join(roots))
    rows = [combine(storms[name]) for name in sorted(storms)]
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return 0


def collect(root, scenarios, storms):
    for d in runs(root):
        with open(os.path.join(d, "meta.json")) as f:
            meta = json.load(f)
        name = os.path.relpath(d, root)
        if meta.get("error"):
            print("storms-csv.py: skipped %s: the run failed (%s)" % (d, meta["error"]), file=sys.stderr)
            continue
        if not meta.get("serials", {}).get("ok") or not meta.get("cleanup", {}).get("ok"):
            print("storms-csv.py: skipped %s: capture incomplete or cleanup failed" % d, file=sys.stderr)
            continue
        if meta["shape"].get("stalled_subscriber") == "1" or meta["shape"].get("relay") != "dbus-daemon":
            continue  # not a storm of this table (issue 13's relay and stalled-subscriber runs)
        storms.setdefault(name, []).append(storm_row(name, meta, scenarios))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
