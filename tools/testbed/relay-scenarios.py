#!/usr/bin/env python3
"""The relay check's runs as scenarios: one per real run with a stalled subscriber.

usage: relay-scenarios.py [--exact-times] RUNS_DIR OUT_DIR

RUNS_DIR holds the relay check's run directories (tests/testbed/relays/relays-*: meta.json and
relays.json, as run-storm.sh wrote them). For each run with a stalled subscriber this writes
OUT_DIR/<run without "relays-">.json: the Debian 12 container (debian12-container.json's table
and costs), the run's relay with the limits of its drop-in, logind, the stalled root subscriber of
every PID 1 signal, the observer (uid 65534) if the run had one, on dbus-broker the testbed's root
`busctl capture` as a monitor (both at their measured costs, tools/testbed/reader-costs.py), and the storm
timed as that run's own loops were (meta.json "timing"): the first mount one mean operation after
1 s, the others evenly over the loop; the unmount loop as far after the mount loop as it really
started. A real loop is slower on a busy host, and how many signals are in flight when a quota
runs out depends on it (docs/VALIDATION.md section 8).

With --exact-times the storm is instead a list of every operation at the time the run's loop made it
(raw/times-mount.txt and raw/times-umount.txt: the end of each mount(8) or umount(8)), for runs
whose raw/ directory is at hand (the testbed's own output directory; the committed runs under
tests/testbed/relays/ keep only meta.json and relays.json). It shows how much of a difference
between captured and simulated comes from the loop's uneven pace (docs/VALIDATION.md section 8).

scenarios/testbed/relays/ is this script's output for tests/testbed/relays/;
tests/testbed/relays_simulated_test.sh checks that it still is.
"""
import json
import os
import sys

START_S = 1.0      # the model's storm starts 1 s into the run, as in every testbed scenario
STALLED_S = 20     # the stalled subscriber reads nothing for the whole storm
# What the testbed's two readers cost per message beyond the model's fixed 6 us (loop iteration and
# two recvmsg), measured: `tools/testbed/reader-costs.py` on relays-b-st-n500-r2 and
# relays-d-st-n500-r2 (on-CPU time over the messages each got) printed 8.02 us for busctl capture
# and 18.64 us for the observer (a Python client), per_message_us 2.0 and 12.6.
CAPTURE_PER_MESSAGE_US = 2.0
OBSERVER_PER_MESSAGE_US = 12.6
OBSERVER_RULES = ["type='signal',sender='org.freedesktop.systemd1'",
                  "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged'"]


def die(msg):
    sys.stderr.write("relay-scenarios.py: %s\n" % msg)
    sys.exit(2)


def loop(kind, count, first_s, timing):
    """An interval workload of `count` operations timed as a real loop."""
    op_s = timing["op_seconds_mean"]
    gap_s = (timing["loop_seconds"] - op_s) / (count - 1) if count > 1 else 0.0
    w = {"kind": "interval"}
    if kind == "umount":
        w["op"] = "umount"
    w.update({"count": count, "start_s": round(first_s + op_s, 6), "interval_ms": round(gap_s * 1e3, 6)})
    w["mount"] = {"path": "/srv/storm/m{i}"}
    if kind == "mount":
        w["mount"].update({"source": "tmpfs", "fstype": "tmpfs"})
    return w


def exact_ops(run_dir, phase, t0):
    """Every operation of a loop at the time it ended, as a "list" workload's ops."""
    ops = []
    with open(os.path.join(run_dir, "raw", "times-%s.txt" % phase)) as f:
        for line in f:
            field = line.split()
            if field[0] != "op":
                continue
            op = {"at_s": round(START_S + float(field[3]) - t0, 6), "op": phase, "path": "/srv/storm/m" + field[1]}
            if phase == "mount":
                op.update({"source": "tmpfs", "fstype": "tmpfs"})
            ops.append(op)
    return ops


def limits_of(shape, ignored):
    """The relay limits of the run's drop-in that the relay applies, e.g. {"max_outgoing_bytes": 16384}
    (dbus-broker's launcher ignores some, relays.json "ignored_limits")."""
    out = {}
    for item in filter(None, shape.get("relay_limits", "").split(",")):
        key, _, value = item.partition("=")
        if not value.isdigit():
            die("relay limit %r is not NAME=BYTES" % item)
        if key not in ignored:
            out[key] = int(value)
    return out


def describe(run, shape, broker, limits, timing):
    n = int(shape["mounts"])
    lim = ", ".join("%s %d" % kv for kv in limits.items()) or "its default limits"
    if shape.get("relay_limits") and not limits:
        lim += " (it ignores the run's %s)" % shape["relay_limits"]
    return ("The testbed's relay check run %s (tests/testbed/relays.csv, docs/VALIDATION.md section 8) in the "
            "model: the Debian 12 container (debian12-container.json), %d tmpfs mounts over %.3f s as that run's "
            "loop took, then unmounted over %.3f s, with logind and a root subscriber of every signal of PID 1 "
            "that reads nothing for %d s, on %s with %s%s. Written by tools/testbed/relay-scenarios.py."
            % (run, n, timing["mount"]["loop_seconds"], timing["umount"]["loop_seconds"], STALLED_S,
               shape["relay"], lim, ", and busctl capture as a root monitor" if broker else ""))


def scenario(run, meta, relays):
    shape, timing = meta["shape"], meta["timing"]
    broker = shape["relay"] == "dbus-broker"
    ignored = relays["limits"]["broker_expected"]["ignored_limits"] if broker else []
    limits = limits_of(shape, ignored)
    n = int(shape["mounts"])
    umount_after_s = timing["umount"]["loop_start"] - timing["mount"]["loop_start"]
    subscribers = [{"name": "stalled", "match_rules": ["type='signal',sender='org.freedesktop.systemd1'"],
                    "busy": [{"start_s": 0, "length_s": STALLED_S}]}]
    if broker:
        subscribers.append({"name": "capture", "monitor": True, "per_message_us": CAPTURE_PER_MESSAGE_US})
    if "--observer" in (meta.get("command_line") or ""):  # reads all the time, on a uid of its own
        subscribers.append({"name": "observer", "uid": 65534, "per_message_us": OBSERVER_PER_MESSAGE_US,
                            "match_rules": OBSERVER_RULES})
    doc = {"name": run, "description": describe(run, shape, broker, limits, timing), "seed": 1, "profile": "v252",
           "run": {"stop_at_s": 30, "sample_interval_ms": 10}, "host": {"cpus": 2},
           "mount_table": {"mountinfo_file": "../debian12-container.mountinfo"}}
    if broker:
        doc["bus"] = {"relay": "dbus-broker"}
    if limits:
        doc["dbus_broker" if broker else "dbus"] = limits
    doc["systemd"] = {"cold_slowdown": 3.68, "cold_tau_ms": 61}
    doc["workload"] = [loop("mount", n, START_S, timing["mount"]),
                       loop("umount", n, START_S + umount_after_s, timing["umount"])]
    doc["subscribers"] = subscribers
    return doc


def main():
    args = sys.argv[1:]
    exact = args[:1] == ["--exact-times"]
    if exact:
        args = args[1:]
    if len(args) != 2:
        die("usage: relay-scenarios.py [--exact-times] RUNS_DIR OUT_DIR")
    runs, out = args
    os.makedirs(out, exist_ok=True)
    for run in sorted(os.listdir(runs)):
        path = os.path.join(runs, run, "meta.json")
        if not run.startswith("relays-") or not os.path.isfile(path):
            continue
        with open(path) as f:
            meta = json.load(f)
        with open(os.path.join(runs, run, "relays.json")) as f:
            relays = json.load(f)
        if meta["shape"].get("stalled_subscriber") != "1":
            continue
        name = run[len("relays-"):]
        doc = scenario(run, meta, relays)
        if exact:
            t0 = meta["timing"]["mount"]["loop_start"]
            ops = exact_ops(os.path.join(runs, run), "mount", t0) + exact_ops(os.path.join(runs, run), "umount", t0)
            doc["workload"] = [{"kind": "list", "ops": ops}]
            doc["mount_table"]["mountinfo_file"] = os.path.abspath(
                os.path.join(os.path.dirname(__file__), "../../scenarios/testbed/debian12-container.mountinfo"))
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
