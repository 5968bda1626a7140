#!/usr/bin/env python3
"""The command transcripts in the docs still print what they show.

    transcripts_test.py BIN SRCDIR FILE.md [FILE.md ...]

A transcript is a fenced block (```) of a Markdown file in which some lines start with "$ ": each
is a command, the lines up to the next command are what it printed. Every command is run, in the
order of the file, with `build/mountstorm` or a leading `mountstorm` replaced by BIN, in a scratch
directory in which `scenarios` is SRCDIR/scenarios (so `-o out/x` and `-o x.svg` land there and a
later `plot out/x` finds them); a line ending in a backslash continues on the next. Each shown
line must appear in the command's output (stdout and stderr), in the order shown; lines may be left
out in between, and "..." or a blank line shows nothing. Trailing blanks do not count. Exit status 0
if every transcript holds, 1 with the file, line, command, the first missing line and the output.
"""
import os
import re
import subprocess
import sys
import tempfile

COMMAND = re.compile(r"^\$ (.*)$")
PROGRAM = re.compile(r"^(build/)?mountstorm(?=\s|$)")


def transcripts(path):
    """Yields (line number, command, expected lines) for every command of every fenced block."""
    in_block, current = False, None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if line.startswith("```"):
            if current:
                yield current
            in_block, current = not in_block, None
            continue
        if not in_block:
            continue
        m = COMMAND.match(line)
        if m:
            if current:
                yield current
            cmd, start = m.group(1), i
            while cmd.endswith("\\") and i < len(lines):
                cmd = cmd[:-1] + " " + lines[i].strip()
                i += 1
            current = (start, cmd, [])
        elif current and line and line != "...":
            current[2].append(line)


def first_missing(expected, output):
    """The first expected line not found in order in output, or None."""
    lines = [l.rstrip() for l in output.split("\n")]
    pos = 0
    for e in expected:
        while pos < len(lines) and lines[pos] != e:
            pos += 1
        if pos == len(lines):
            return e
        pos += 1
    return None


def check_file(binary, path, workdir):
    failures, count = 0, 0
    for line_no, cmd, expected in transcripts(path):
        if not PROGRAM.match(cmd):
            continue  # only mountstorm's own commands are checked here
        count += 1
        run = PROGRAM.sub(binary.replace("\\", "\\\\"), cmd, count=1)
        p = subprocess.run(["bash", "-c", run], cwd=workdir, capture_output=True, text=True)
        missing = first_missing(expected, p.stdout + p.stderr)
        if missing is not None:
            failures += 1
            print("FAIL %s:%d: %s\n  missing line: %s\n  exit status %d, output:\n%s"
                  % (path, line_no, cmd, missing, p.returncode, p.stdout + p.stderr))
    return failures, count


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: transcripts_test.py BIN SRCDIR FILE.md [FILE.md ...]\n")
        return 2
    binary, src = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    total_failures, total = 0, 0
    with tempfile.TemporaryDirectory() as work:
        os.symlink(os.path.join(src, "scenarios"), os.path.join(work, "scenarios"))
        os.mkdir(os.path.join(work, "out"))
        for name in argv[3:]:
            failures, count = check_file(binary, os.path.join(src, name), work)
            print("%s: %d commands, %d failed" % (name, count, failures))
            total_failures += failures
            total += count
    if total == 0:
        print("no transcripts found")
        return 1
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
