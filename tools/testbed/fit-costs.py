#!/usr/bin/env python3
"""fit-costs.py - fit PID 1's CPU costs to the testbed's storms.

usage: tools/testbed/fit-costs.py STORMS.csv --systemd 252 [--mountstorm build/mountstorm]
                                  [--start JSON] [--fixed JSON] [--rounds 8]

Fits the /systemd cost parameters named in --start (a JSON object: name -> starting value) so that
`mountstorm testbed-check` reproduces PID 1's CPU time of every phase of the storms of one systemd
version (the rows of STORMS.csv whose `systemd` column is --systemd). The others stay as the base
scenario and the profile set them, or as --fixed sets them. The objective is the sum over phases
of log(simulated CPU / captured CPU)^2 (phases with at least 2 ms of CPU), plus
4 x log(simulated rescans / captured rescans)^2 for phases with more than 20 rescans: rescans
depend on how fast PID 1 is against the mounts. The search is a coordinate descent in log space:
each parameter in turn is multiplied and divided by e^step; a step that helps is kept, one that
does not halves. Prints each improvement and, at the end, the best values as JSON.

The values in models/systemd/profiles.cc (v252, v257) were fitted with this script on
tests/testbed/storms.csv (docs/VALIDATION.md section 7 gives the command), but for
properties_changed_us and unit_removed_us: those were measured (tools/testbed/profile-pid1.sh) and
held with --fixed. Exit status 2 on bad
arguments.
"""
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile


def usage(message):
    print("fit-costs.py: " + message, file=sys.stderr)
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    args = {"mountstorm": "build/mountstorm", "fixed": {}, "rounds": 8, "systemd": None, "start": None}
    rest = list(argv[1:])
    storms = []
    while rest:
        a = rest.pop(0)
        if a in ("--systemd", "--mountstorm", "--start", "--fixed", "--rounds"):
            if not rest:
                usage(a + ": expected a value")
            v = rest.pop(0)
            if a in ("--start", "--fixed"):
                try:
                    v = json.loads(v)
                except ValueError:
                    usage(a + ": expected a JSON object, found " + v)
                if not isinstance(v, dict) or not all(isinstance(x, (int, float)) and x > 0 for x in v.values()):
                    usage(a + ": expected a JSON object of positive numbers")
            elif a == "--rounds":
                if not v.isdigit() or not 1 <= int(v) <= 100:
                    usage("--rounds: expected an integer 1..100, found " + v)
                v = int(v)
            args[a[2:]] = v
        elif a.startswith("-"):
            usage("unknown option " + a)
        else:
            storms.append(a)
    if len(storms) != 1 or not os.path.isfile(storms[0]):
        usage("expected one STORMS.csv")
    if not args["systemd"] or not args["start"]:
        usage("--systemd and --start are required")
    args["storms"] = storms[0]
    return args


class Evaluator:
    """Runs testbed-check on the storms of one version with candidate costs."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        here = os.path.dirname(os.path.abspath(args["storms"]))
        with open(args["storms"]) as f:
            self.rows = [r for r in csv.DictReader(f) if r["systemd"] == args["systemd"]]
        if not self.rows:
            usage("no storms of systemd %s in %s" % (args["systemd"], args["storms"]))
        self.bases = {}
        for r in self.rows:
            path = os.path.normpath(os.path.join(here, r["scenario"]))
            self.bases.setdefault(path, len(self.bases))
            r["scenario"] = "base-%d.json" % self.bases[path]

    def write(self, params):
        for path, k in self.bases.items():
            with open(path) as f:
                base = json.load(f)
            table = base.get("mount_table", {})
            if "mountinfo_file" in table and not os.path.isabs(table["mountinfo_file"]):
                table["mountinfo_file"] = os.path.join(os.path.dirname(path), table["mountinfo_file"])
            base.setdefault("systemd", {}).update(self.args["fixed"])
            base["systemd"].update(params)
            with open(os.path.join(self.workdir, "base-%d.json" % k), "w") as f:
                json.dump(base, f)
        with open(os.path.join(self.workdir, "storms.csv"), "w") as f:
            w = csv.DictWriter(f, fieldnames=list(self.rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(self.rows)

    def __call__(self, params):
        self.write(params)
        out = subprocess.run([self.args["mountstorm"], "testbed-check", os.path.join(self.workdir, "storms.csv"), "--csv"],
                             capture_output=True, text=True)
        if out.returncode not in (0, 3):
            sys.exit("fit-costs.py: testbed-check failed: " + out.stderr.strip())
        error = worst = 0.0
        for r in csv.DictReader(io.StringIO(out.stdout)):
            if r["phase"] == "total":
                continue
            c, s = float(r["captured_pid1_cpu_s"]), float(r["simulated_pid1_cpu_s"])
            if c >= 0.002:
                d = math.log(max(s, 1e-6) / c)
                error += d * d
                worst = max(worst, abs(d))
            cr, sr = int(r["captured_rescans"]), int(r["simulated_rescans"])
            if cr > 20:
                error += 4 * math.log(max(sr, 1) / cr) ** 2
        return error, math.exp(worst)


def main(argv):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        evaluate = Evaluator(args, workdir)
        best = dict(args["start"])
        error, worst = evaluate(best)
        print("start: error %.3f, worst CPU factor %.2f" % (error, worst), flush=True)
        step = {k: 0.5 for k in best}
        for round_ in range(args["rounds"]):
            for name in best:
                for sign in (1, -1):
                    trial = dict(best, **{name: best[name] * math.exp(sign * step[name])})
                    e, w = evaluate(trial)
                    if e < error:
                        best, error, worst = trial, e, w
                        print("round %d %s: error %.3f, worst CPU factor %.2f" % (round_ + 1, name, error, worst),
                              flush=True)
                        break
                else:
                    step[name] /= 2
        print(json.dumps({k: float("%.4g" % v) for k, v in best.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
