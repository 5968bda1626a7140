#!/usr/bin/env python3
"""spread.py - how much the same storm varied between repetitions on the real systemd.

usage: tools/testbed/spread.py STORMS.csv

Reads the runs_* columns that tools/testbed/storms-csv.py writes when a storm was run more than
once, and prints a Markdown table of the storms whose repetitions differ from each other by more
than the tolerances of `mountstorm testbed-check` allow between captured and simulated (PID 1's
signals 3 %, rescans 1, PID 1's CPU time a factor of 1.5): for those, no single deterministic
figure can be within the tolerances of every repetition. Exit status 2 on bad arguments.
"""
import csv
import sys

SIGNALS, RESCANS, CPU = 0.03, 1, 1.5


def beyond(row):
    """The figures of `row` whose repetitions differ by more than the tolerances."""
    out = []
    s0, s1 = int(row["runs_signals_min"]), int(row["runs_signals_max"])
    if s1 * (1 - SIGNALS) > s0 * (1 + SIGNALS):
        out.append("signals")
    if int(row["runs_rescans_max"]) - int(row["runs_rescans_min"]) > 2 * RESCANS:
        out.append("rescans")
    c0, c1 = float(row["runs_pid1_cpu_s_min"]), float(row["runs_pid1_cpu_s_max"])
    if c0 > 0 and c1 / c0 > CPU * CPU:
        out.append("CPU")
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        print("spread.py: %s: %s" % (argv[1], e.strerror), file=sys.stderr)
        return 2
    if not rows or "runs_signals_min" not in rows[0]:
        print("spread.py: %s: expected the runs_* columns of storms-csv.py" % argv[1], file=sys.stderr)
        return 2
    print("| storm | runs | signals (min - max) | rescans (min - max) | PID 1 CPU s (min - max) | beyond |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        what = beyond(r)
        if int(r["runs"]) < 2 or not what:
            continue
        print("| %s | %s | %s - %s | %s - %s | %.3f - %.3f | %s |" % (
            r["storm"], r["runs"], r["runs_signals_min"], r["runs_signals_max"], r["runs_rescans_min"],
            r["runs_rescans_max"], float(r["runs_pid1_cpu_s_min"]), float(r["runs_pid1_cpu_s_max"]),
            ", ".join(what)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
