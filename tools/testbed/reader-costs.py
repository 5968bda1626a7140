#!/usr/bin/env python3
"""What the testbed's own two readers cost per message: the root `busctl capture` and the observer.

    tools/testbed/reader-costs.py RUN [RUN...]

For each run directory of run-storm.sh (one made since raw/cpu.tsv has the roles `capture` and
`observer`) and each phase, prints the on-CPU time of each reader (/proc/PID/schedstat, between the
phase's two CPU snapshots) over the messages it got in that window (capture: the frames of
capture.pcapng; observer: the lines of raw/observer.tsv), then the mean over all phases weighted by
messages. The model's reader spends loop_iteration_us + 2 x recvmsg_us (2 + 2 x 2 us in every
profile) plus per_message_us on each message (models/clients/subscriber.cc, Subscriber::Step();
SdBusConnection::ReadSocket()), so the last line says which per_message_us gives the measured mean.
Use it on runs in which neither reader is cut (a cut reader exits before the phase ends).
Exit status 2 if a run lacks what is needed.
"""
import os
import subprocess
import sys

PHASES = (("start", "mount"), ("umount-start", "umount"))
MODEL_FIXED_US = 2 + 2 * 2  # loop_iteration_us + 2 x recvmsg_us


def fail(msg):
    sys.stderr.write("reader-costs.py: %s\n" % msg)
    sys.exit(2)


def snapshots(run):
    path = os.path.join(run, "raw", "cpu.tsv")
    if not os.path.exists(path):
        fail("%s: no raw/cpu.tsv" % run)
    snaps = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 8 and p[1] in ("capture", "observer"):
                snaps.setdefault(p[0], {})[p[1]] = (int(p[6]), float(p[7]))
    return snaps


def capture_times(run):
    out = subprocess.run(["tshark", "-r", os.path.join(run, "capture.pcapng"), "-T", "fields",
                          "-e", "frame.time_epoch"], capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s: tshark cannot read capture.pcapng: %s" % (run, out.stderr.strip()))
    return [float(x) for x in out.stdout.split()]


def observer_times(run):
    path = os.path.join(run, "raw", "observer.tsv")
    if not os.path.exists(path):
        fail("%s: no raw/observer.tsv (run without --observer?)" % run)
    with open(path) as f:
        next(f, None)
        return [float(line.split("\t", 1)[0]) for line in f if line.strip()]


def main(runs):
    if not runs:
        fail("usage: reader-costs.py RUN [RUN...]")
    total = {"capture": [0, 0], "observer": [0, 0]}
    for run in runs:
        snaps = snapshots(run)
        times = {"capture": capture_times(run), "observer": observer_times(run)}
        for a, b in PHASES:
            for role in ("capture", "observer"):
                if role not in snaps.get(a, {}) or role not in snaps.get(b, {}):
                    fail("%s: raw/cpu.tsv has no %s at snapshots %s and %s" % (run, role, a, b))
                (ns0, t0), (ns1, t1) = snaps[a][role], snaps[b][role]
                n = sum(1 for t in times[role] if t0 <= t < t1)
                if n == 0:
                    continue
                total[role][0] += ns1 - ns0
                total[role][1] += n
                print("%s\t%s\t%s\t%d messages\t%.2f us/message" % (os.path.basename(run.rstrip("/")), b, role, n,
                                                                   (ns1 - ns0) / 1e3 / n))
    for role, (ns, n) in total.items():
        mean = ns / 1e3 / n
        print("%s: %.2f us/message over %d messages: per_message_us %.1f" % (role, mean, n, mean - MODEL_FIXED_US))


if __name__ == "__main__":
    main(sys.argv[1:])
