#!/usr/bin/env python3
"""Helpers of the mountstorm testbed (python3 standard library only; tshark for the capture).

  testbed.py resolve-pointers PID TRACEFILE   read the filename pointers of the sys_enter_openat
                                              events in TRACEFILE from /proc/PID/mem (PID alive)
  testbed.py analyze OUTDIR                   decode OUTDIR/capture.pcapng with tshark and write
                                              counts.json, counts.csv, flushes.csv, rescans.csv,
                                              pid1-messages.tsv.gz and meta.json
  testbed.py index OUTROOT [INDEX.csv]        one row per run (every OUTROOT/**/meta.json) in
                                              INDEX.csv (default OUTROOT/index.csv)
  testbed.py summary OUTDIR                   print a run's headline figures
  testbed.py relays OUTDIR                    who the relay disconnected or dropped messages for:
                                              OUTDIR/relays.json, OUTDIR/raw/relay-journal.txt
"""
import bisect
import collections
import csv
import gzip
import json
import os
import re
import subprocess
import sys

# ------------------------------------------------------------------------------ kernel trace

TRACE_LINE = re.compile(r"^\s*(?P<task>.+)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+\S+\s+(?P<t>[0-9.]+): (?P<ev>.*)$")
RE_OPENAT = re.compile(r"sys_openat\(dfd: (?:0x)?[0-9a-f]+, filename: (?:0x)?([0-9a-f]+), flags: (?:0x)?([0-9a-f]+)")
RE_SENDMSG = re.compile(r"sys_sendmsg\(fd: (?:0x)?([0-9a-f]+), msg: (?:0x)?[0-9a-f]+, flags: (?:0x)?([0-9a-f]+)")
RE_SENDMSG_RET = re.compile(r"sys_sendmsg -> (?:0x)?([0-9a-f]+)")


def parse_trace(path):
    """-> (openats [(t, ptr, flags)], sendmsgs [(t_enter, t_exit, fd, ret)]); t in CLOCK_MONOTONIC s."""
    openats, sends = [], []
    pending = None
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_LINE.match(line)
            if not m:
                continue
            t, ev = float(m.group("t")), m.group("ev")
            o = RE_OPENAT.match(ev)
            if o:
                openats.append((t, int(o.group(1), 16), int(o.group(2), 16)))
                continue
            o = RE_SENDMSG.match(ev)
            if o:
                pending = (t, int(o.group(1), 16))
                continue
            o = RE_SENDMSG_RET.match(ev)
            if o and pending:
                ret = int(o.group(1), 16)
                if ret >= 1 << 63:
                    ret -= 1 << 64
                sends.append((pending[0], t, pending[1], ret))
                pending = None
    return openats, sends


def cmd_resolve_pointers(pid, tracefile):
    openats, _ = parse_trace(tracefile)
    counts = collections.Counter(p for _, p, _ in openats)
    maps = []
    with open("/proc/%s/maps" % pid) as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            maps.append((lo, hi, parts[1], parts[5].strip() if len(parts) > 5 else ""))
    print("pointer\tevents\tmapping\tstring")
    with open("/proc/%s/mem" % pid, "rb", buffering=0) as mem:
        for ptr, n in sorted(counts.items()):
            where = next(((lo, hi, perm, name) for lo, hi, perm, name in maps if lo <= ptr < hi), None)
            s = "?"
            if where:
                try:
                    mem.seek(ptr)
                    data = mem.read(min(512, where[1] - ptr))
                    s = data.split(b"\0", 1)[0].decode("utf-8", "replace")
                except OSError as e:
                    s = "?(%s)" % e.strerror
            mapping = (where[3] or "[anon]") + " " + where[2] if where else "unmapped"
            print("0x%x\t%d\t%s\t%s" % (ptr, n, mapping, s.replace("\t", " ").replace("\n", " ")))
    return 0


def mountinfo_pointers(tsv):
    """Pointers that point into a file-backed mapping (a string literal of libmount or systemd,
    stable for the life of the process) and read "/proc/self/mountinfo"."""
    out = set()
    if not os.path.exists(tsv):
        return out
    with open(tsv) as f:
        next(f, None)
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 4 and p[3] == "/proc/self/mountinfo" and p[2].startswith("/"):
                out.add(int(p[0], 16))
    return out


# ------------------------------------------------------------------------------ capture

TSHARK_FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "dbus.message_type",
                 "dbus.serial", "dbus.reply_serial", "dbus.sender", "dbus.destination", "dbus.path",
                 "dbus.interface", "dbus.member", "dbus.type.string"]
TYPE_NAMES = {"1": "method_call", "2": "method_return", "3": "error", "4": "signal"}


def read_capture(pcap):
    """Every message of the capture, in capture order.  arg0 is the first string of the body
    (dbus.type.string, first occurrence): the changed interface of PropertiesChanged, the unit
    name of UnitNew/UnitRemoved/JobNew/JobRemoved."""
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0 and not p.stdout:
        raise SystemExit("tshark failed on %s: %s" % (pcap, p.stderr.strip()))
    msgs = []
    for line in p.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(TSHARK_FIELDS) - len(v))
        r = dict(zip(TSHARK_FIELDS, v))
        msgs.append({
            "frame": int(r["frame.number"]), "t": float(r["frame.time_epoch"]),
            "len": int(r["frame.len"] or 0), "cap_len": int(r["frame.cap_len"] or 0),
            "type": TYPE_NAMES.get(r["dbus.message_type"], r["dbus.message_type"] or "?"),
            "serial": int(r["dbus.serial"]) if r["dbus.serial"] else None,
            "reply_serial": r["dbus.reply_serial"], "sender": r["dbus.sender"], "dest": r["dbus.destination"],
            "path": r["dbus.path"], "iface": r["dbus.interface"], "member": r["dbus.member"],
            "arg0": r["dbus.type.string"],
        })
    stderr = "\n".join(l for l in p.stderr.splitlines() if "Running as user" not in l)
    return msgs, stderr.strip()


def unescape_bus_label(s):
    return re.sub(r"_([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


UNIT_PATH_PREFIX = "/org/freedesktop/systemd1/unit/"


def unit_of(m):
    if m["member"] in ("UnitNew", "UnitRemoved", "JobNew", "JobRemoved"):
        return m["arg0"]
    if m["path"].startswith(UNIT_PATH_PREFIX):
        return unescape_bus_label(m["path"][len(UNIT_PATH_PREFIX):])
    return None


def path_to_unit_prefix(path):
    return path.strip("/").replace("/", "-")


class Classifier:
    def __init__(self, facts):
        self.storm = path_to_unit_prefix(facts.get("storm_dir", "/srv/storm")) + "-m"
        self.pre = path_to_unit_prefix(facts.get("pre_base", "/pre")) + "-p"
        self.warm = path_to_unit_prefix(facts.get("storm_dir", "/srv/storm")) + "-w0.mount"
        comps = facts.get("storm_dir", "/srv/storm").strip("/").split("/")
        self.ancestors = {"-".join(comps[:i]) + ".mount" for i in range(1, len(comps) + 1)}
        pcomps = facts.get("pre_base", "/pre").strip("/").split("/")
        self.pre_ancestors = {"-".join(pcomps[:i]) + ".mount" for i in range(1, len(pcomps) + 1)}

    def kind(self, unit):
        if unit is None:
            return "none"
        if unit.startswith(self.storm) and unit.endswith(".mount") and unit[len(self.storm):-6].isdigit():
            return "storm-mount"
        if unit in self.ancestors:
            return "storm-ancestor"
        if unit == "-.mount":
            return "root-mount"
        if unit.startswith(self.pre) and unit.endswith(".mount") and unit[len(self.pre):-6].isdigit():
            return "preexisting-mount"
        if unit in self.pre_ancestors:
            return "pre-ancestor"
        if unit == self.warm:
            return "warmup-mount"
        return unit.rsplit(".", 1)[-1] if "." in unit else "other"

    def name(self, unit):
        """unit name with the storm's own mounts folded into one key"""
        k = self.kind(unit)
        if k == "storm-mount":
            return "<storm mount>"
        if k == "preexisting-mount":
            return "<pre-existing mount>"
        return unit or ""


def short_iface(i):
    return i.replace("org.freedesktop.systemd1.", "").replace("org.freedesktop.", "") if i else ""


# ------------------------------------------------------------------------------ helpers


def read_facts(raw):
    facts = {}
    p = os.path.join(raw, "facts.tsv")
    if os.path.exists(p):
        with open(p) as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    facts[k] = v
    return facts


def read_times(path):
    if not os.path.exists(path):
        return None
    d = {"ops": []}
    with open(path) as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] in ("start", "end"):
                d[p[0]] = float(p[1])
            elif p[0] == "op":
                d["ops"].append((int(p[1]), float(p[2]), float(p[3])))
            elif p[0] == "times":  # bash `times`: shell user, sys; children user, sys ("0m1.234s")
                secs = []
                for x in p[1:5]:
                    m_ = re.match(r"(\d+)m([0-9.]+)s", x)
                    secs.append(int(m_.group(1)) * 60 + float(m_.group(2)) if m_ else 0.0)
                d["loop_cpu_seconds"] = round(sum(secs), 3)
    return d


def read_cpu(path):
    snaps = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0, 0, []]))
    if not os.path.exists(path):
        return snaps
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 8:
                continue
            label, role, pid, comm, ut, st, ns, _ = p[:8]
            e = snaps[label][role]
            e[0] += int(ut)
            e[1] += int(st)
            e[2] += int(ns)
            e[3].append(comm if role == "host" else "%s(%s)" % (comm, pid))
    return snaps


def cpu_delta(snaps, a, b, role, hz):
    if a not in snaps or b not in snaps or role not in snaps[a] or role not in snaps[b]:
        return None
    x, y = snaps[a][role], snaps[b][role]
    ticks = (y[0] - x[0]) + (y[1] - x[1])
    return {"utime_ticks": y[0] - x[0], "stime_ticks": y[1] - x[1], "ticks": ticks, "seconds": ticks / hz,
            "sched_ns": y[2] - x[2], "sched_seconds": (y[2] - x[2]) / 1e9, "processes": y[3]}


def align_writes(pid1_msgs, writes):
    """Map PID 1's captured messages (serial order) to its sendmsg() writes on the bus socket.
    The relay adds a sender field to every message, so captured length = written length + d
    with one constant d per run (16 for a short unique name).  Partial writes are handled by
    byte accounting.  Returns (write time per message index or None, info dict)."""
    info = {"writes": len(writes), "messages": len(pid1_msgs)}
    if not writes or not pid1_msgs:
        info["status"] = "nothing to align"
        return [None] * len(pid1_msgs), info
    # off > 0: the capture has messages written before the trace started; skip > 0: the trace has
    # writes of messages the capture missed before the monitor was live (the first probe's answer)
    best = None
    for skip in range(0, min(len(writes), 20)):
        for off in range(0, min(len(pid1_msgs), 200)):
            n = min(len(writes) - skip, len(pid1_msgs) - off, 400)
            if n <= 0:
                continue
            diffs = collections.Counter(pid1_msgs[off + i]["len"] - writes[skip + i][3] for i in range(n))
            d, c = diffs.most_common(1)[0]
            # best prefix match; on a tie, the one where the remaining messages and writes agree
            key = (round(c / n, 9), -abs((len(pid1_msgs) - off) - (len(writes) - skip)))
            if best is None or key > best[0]:
                best = (key, off, skip, d)
    (score, _), off, skip, d = best
    writes = writes[skip:]
    info.update({"offset": off, "writes_skipped": skip, "sender_delta_bytes": d, "prefix_match": round(score, 4)})
    times = [None] * len(pid1_msgs)
    j = off
    need = pid1_msgs[j]["len"] - d if j < len(pid1_msgs) else 0
    partial = 0
    for (_, t_exit, _, ret) in writes:
        if ret <= 0:
            continue
        while ret > 0 and j < len(pid1_msgs):
            if ret >= need:
                ret -= need
                times[j] = t_exit
                j += 1
                need = pid1_msgs[j]["len"] - d if j < len(pid1_msgs) else 0
            else:
                need -= ret
                ret = 0
                partial += 1
        if j >= len(pid1_msgs):
            break
    info["partial_writes"] = partial
    info["unmatched_messages_after"] = len(pid1_msgs) - j
    info["messages_before_trace"] = off
    info["status"] = "exact" if score == 1.0 and j == len(pid1_msgs) and partial == 0 else "approximate"
    return times, info


# ------------------------------------------------------------------------------ analyze


def cmd_analyze(out):
    raw = os.path.join(out, "raw")
    facts = read_facts(raw)
    hz = int(facts.get("clk_tck", "100") or 100)
    pcap = os.path.join(out, "capture.pcapng")
    msgs, tshark_err = read_capture(pcap)
    cls = Classifier(facts)
    pid1 = facts.get("pid1_unique_name", "")
    if not pid1:  # fall back: the sender of org.freedesktop.systemd1.Manager signals
        c = collections.Counter(m["sender"] for m in msgs if m["iface"] == "org.freedesktop.systemd1.Manager"
                                and m["type"] == "signal")
        pid1 = c.most_common(1)[0][0] if c else ""

    # --- clocks: realtime = monotonic + offset
    off = None
    if facts.get("clock_before"):
        r, mo, _ = (int(x) for x in facts["clock_before"].split())
        off = (r - mo) / 1e9
    off_after = None
    if facts.get("clock_after"):
        r, mo, _ = (int(x) for x in facts["clock_after"].split())
        off_after = (r - mo) / 1e9

    # --- phases
    phases = []
    for ph in ("mount", "umount"):
        t = read_times(os.path.join(raw, "times-%s.txt" % ph))
        if t and "start" in t:
            phases.append((ph, t))
    bounds = [(ph, t["start"]) for ph, t in phases]

    def phase_of(treal):
        cur = "pre"
        for ph, st in bounds:
            if treal >= st:
                cur = ph
        return cur

    # --- trace: rescans and PID 1's bus writes
    trace_path = os.path.join(raw, "trace.txt")
    have_trace = os.path.exists(trace_path) and facts.get("trace_status") == "ok"
    rescans_mono, writes, align_info, write_t = [], [], {"status": "no trace"}, None
    busfd_note = ""
    pid1_msgs = [m for m in msgs if m["sender"] == pid1]
    if have_trace:
        openats, sends = parse_trace(trace_path)
        mptr = mountinfo_pointers(os.path.join(raw, "openat-pointers.tsv"))
        rescans_mono = sorted(t for t, p, _ in openats if p in mptr)
        fds = [int(x) for x in facts.get("pid1_bus_fd", "").split() if x.isdigit()]
        if not fds:  # fall back: the fd PID 1 writes most to with MSG_DONTWAIT|MSG_NOSIGNAL
            c = collections.Counter(fd for _, _, fd, _ in sends)
            fds = [c.most_common(1)[0][0]] if c else []
            busfd_note = "bus fd guessed as the most written fd"
        writes = [w for w in sends if w[2] in fds]
        write_t, align_info = align_writes(pid1_msgs, writes)
        if busfd_note:
            align_info["note"] = busfd_note
    # rescans in realtime
    rescans = [(tm, tm + off if off is not None else None) for tm in rescans_mono]

    # --- per message records for PID 1
    recs = []
    for i, m in enumerate(pid1_msgs):
        tw = write_t[i] if write_t else None
        unit = unit_of(m)
        rescan_idx = None
        if tw is not None and rescans_mono:
            rescan_idx = bisect.bisect_right(rescans_mono, tw) - 1
        recs.append({"m": m, "tw": tw, "unit": unit, "kind": cls.kind(unit), "rescan": rescan_idx,
                     "phase": phase_of(m["t"])})

    # --- serial check
    serials = [m["serial"] for m in pid1_msgs if m["serial"] is not None]
    gaps = []
    for a, b in zip(serials, serials[1:]):
        if b != a + 1:
            gaps.append({"after": a, "next": b, "missing": b - a - 1})
    serial_check = {
        "sender": pid1, "messages": len(serials), "first": serials[0] if serials else None,
        "last": serials[-1] if serials else None, "gaps": len(gaps),
        "missing": sum(max(0, g["missing"]) for g in gaps), "non_increasing": sum(1 for g in gaps if g["missing"] < 0),
        "gap_list": gaps[:20],
        "ok": bool(serials) and not gaps and serials[-1] - serials[0] + 1 == len(serials),
        "proof": "PID 1 answered a probe call (Manager.Version) before and after the storm; every serial "
                 "between the two answers is in the capture" if serials else "no message from PID 1 captured",
    }

    # --- counts
    def count_block(rs):
        sig = [r for r in rs if r["m"]["type"] == "signal"]
        b = {
            "messages": len(rs),
            "signals": len(sig),
            "by_type": dict(collections.Counter(r["m"]["type"] for r in rs)),
            "by_member": dict(collections.Counter(r["m"]["member"] for r in sig)),
            "properties_changed_by_interface": dict(collections.Counter(
                short_iface(r["m"]["arg0"]) for r in sig if r["m"]["member"] == "PropertiesChanged")),
            "by_unit_kind": dict(collections.Counter(r["kind"] for r in sig)),
            "by_unit": {},
            "bytes": sum(r["m"]["len"] for r in rs),
        }
        per_unit = collections.defaultdict(collections.Counter)
        for r in sig:
            key = r["m"]["member"]
            if key == "PropertiesChanged":
                key += ":" + short_iface(r["m"]["arg0"])
            per_unit[cls.name(r["unit"])][key] += 1
        b["by_unit"] = {u: dict(c) for u, c in sorted(per_unit.items(), key=lambda x: -sum(x[1].values()))}
        return b

    by_phase = {"all": count_block(recs)}
    phase_names = ["pre"] + [ph for ph, _ in phases]
    for ph in phase_names:
        by_phase[ph] = count_block([r for r in recs if r["phase"] == ph])
    senders = collections.Counter(m["sender"] for m in msgs)
    types = collections.Counter(m["type"] for m in msgs)

    # --- flushes: PID 1's signals grouped by the rescan after which PID 1 wrote them
    flushes = []
    if have_trace and align_info.get("status") in ("exact", "approximate") and rescans_mono:
        groups = collections.OrderedDict()
        for r in recs:
            if r["m"]["type"] != "signal" or r["tw"] is None:
                continue
            groups.setdefault(r["rescan"], []).append(r)
        for idx, rs in groups.items():
            flushes.append({"rescan": idx, "rs": rs})
        flush_def = ("rescan: the signals PID 1 wrote to its bus socket after one read of "
                     "/proc/self/mountinfo and before the next (kernel syscall trace)")
    else:
        # fall back: runs of PID 1 signals with capture-time gaps < 1 ms
        cur = []
        last = None
        for r in recs:
            if r["m"]["type"] != "signal":
                continue
            if last is not None and r["m"]["t"] - last > 0.001:
                flushes.append({"rescan": None, "rs": cur})
                cur = []
            cur.append(r)
            last = r["m"]["t"]
        if cur:
            flushes.append({"rescan": None, "rs": cur})
        flush_def = "gap: runs of PID 1 signals with capture-time gaps < 1 ms (no kernel trace)"

    # --- rescans per phase, flushes per phase
    rescan_phase = [phase_of(tr) if tr is not None else "?" for _, tr in rescans]
    msgs_per_rescan = {f["rescan"]: len(f["rs"]) for f in flushes if f["rescan"] is not None}

    # --- timing per phase
    timing = {}
    for ph, t in phases:
        ops = t["ops"]
        sig = [r for r in recs if r["phase"] == ph and r["m"]["type"] == "signal"]
        rs_ph = [tr for (tm, tr), p in zip(rescans, rescan_phase) if p == ph]
        last_sig_write = max((r["tw"] for r in sig if r["tw"] is not None), default=None)
        timing[ph] = {
            "loop_start": t["start"], "loop_end": t["end"], "loop_seconds": round(t["end"] - t["start"], 6),
            "loop_start_monotonic": round(t["start"] - off, 6) if off is not None else None,
            "loop_end_monotonic": round(t["end"] - off, 6) if off is not None else None,
            "ops": len(ops),
            "op_seconds_mean": round(sum(b - a for _, a, b in ops) / len(ops), 6) if ops else None,
            "first_signal_capture": min((r["m"]["t"] for r in sig), default=None),
            "last_signal_capture": max((r["m"]["t"] for r in sig), default=None),
            "last_signal_written": last_sig_write + off if (last_sig_write is not None and off is not None) else None,
            "first_rescan": min(rs_ph, default=None), "last_rescan": max(rs_ph, default=None),
        }
        tp = timing[ph]
        ends = [x for x in (tp["last_signal_written"] or tp["last_signal_capture"], tp["last_rescan"], t["end"]) if x]
        tp["pid1_active_seconds"] = round(max(ends) - t["start"], 6) if ends else None
        tp["quiet_at"] = float(facts["quiet_" + ph]) if facts.get("quiet_" + ph) else None

    # --- CPU
    cpu = {}
    snaps = read_cpu(os.path.join(raw, "cpu.tsv"))
    pairs = {"mount": ("start", "mount")}
    if any(ph == "umount" for ph, _ in phases):
        pairs["umount"] = ("umount-start", "umount")
    loop_cpu = {ph: t.get("loop_cpu_seconds") for ph, t in phases}
    for ph, (a, b) in pairs.items():
        cpu[ph] = {role: cpu_delta(snaps, a, b, role, hz) for role in ("pid1", "relay", "logind", "subscriber")}
        cpu[ph] = {k: v for k, v in cpu[ph].items() if v is not None}
        h = cpu_delta(snaps, a, b, "host", hz)
        if h:  # host line: "utime" = busy ticks of all CPUs, "stime" = idle+iowait ticks
            busy, idle = h["utime_ticks"], h["stime_ticks"]
            ours = sum(cpu[ph][r]["ticks"] for r in cpu[ph])
            cpu[ph]["host"] = {"busy_ticks": busy, "idle_ticks": idle,
                               "busy_fraction": round(busy / (busy + idle), 4) if busy + idle else None,
                               "busy_ticks_not_pid1_relay_logind": busy - ours,
                               "storm_loop_cpu_seconds": loop_cpu.get(ph),
                               "others_busy_fraction": (round(max(0.0, busy - ours - (loop_cpu.get(ph) or 0) * hz)
                                                              / (busy + idle), 4)
                                                        if busy + idle and loop_cpu.get(ph) is not None else None),
                               "loadavg_before": snaps[a]["host"][3][0] if snaps[a]["host"][3] else None}
        for role in ("capture", "observer"):  # the testbed's own readers, outside the sums above
            d = cpu_delta(snaps, a, b, role, hz)
            if d is not None:
                cpu[ph][role] = d

    # --- strace (optional): mountinfo opens seen by strace
    strace_rescans = None
    sp = os.path.join(raw, "strace-pid1.txt")
    if os.path.exists(sp):
        with open(sp, errors="replace") as f:
            strace_rescans = sum(1 for l in f if '"/proc/self/mountinfo"' in l and "openat(" in l)

    # ------------------------------------------------------------------ write outputs
    with gzip.open(os.path.join(out, "pid1-messages.tsv.gz"), "wt") as f:
        f.write("frame\tcapture_time\twrite_time_mono\tphase\trescan\tserial\ttype\tmember\tinterface\targ0\tpath\tunit\tunit_kind\tbytes\n")
        for r in recs:
            m = r["m"]
            f.write("%d\t%.6f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n" % (
                m["frame"], m["t"], "%.6f" % r["tw"] if r["tw"] is not None else "", r["phase"],
                "" if r["rescan"] is None else r["rescan"], m["serial"], m["type"], m["member"], m["iface"],
                m["arg0"], m["path"], r["unit"] or "", r["kind"], m["len"]))

    with open(os.path.join(out, "flushes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["flush", "phase", "rescan", "first_capture_time", "last_capture_time", "first_write_mono",
                    "last_write_mono", "signals", "UnitNew", "UnitRemoved", "PropertiesChanged", "JobNew",
                    "JobRemoved", "other", "storm_mount_units", "units", "interfaces"])
        for i, fl in enumerate(flushes):
            rs = fl["rs"]
            mem = collections.Counter(r["m"]["member"] for r in rs)
            ifs = collections.Counter(short_iface(r["m"]["arg0"]) for r in rs if r["m"]["member"] == "PropertiesChanged")
            tws = [r["tw"] for r in rs if r["tw"] is not None]
            w.writerow([i, rs[0]["phase"], "" if fl["rescan"] is None else fl["rescan"],
                        "%.6f" % rs[0]["m"]["t"], "%.6f" % rs[-1]["m"]["t"],
                        "%.6f" % min(tws) if tws else "", "%.6f" % max(tws) if tws else "",
                        len(rs), mem["UnitNew"], mem["UnitRemoved"], mem["PropertiesChanged"], mem["JobNew"],
                        mem["JobRemoved"],
                        sum(v for k, v in mem.items() if k not in ("UnitNew", "UnitRemoved", "PropertiesChanged", "JobNew", "JobRemoved")),
                        len({r["unit"] for r in rs if r["kind"] == "storm-mount"}),
                        len({r["unit"] for r in rs}),
                        ";".join("%s=%d" % kv for kv in sorted(ifs.items()))])

    with open(os.path.join(out, "rescans.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rescan", "phase", "time_mono", "time_real", "signals_written_after"])
        for i, ((tm, tr), ph) in enumerate(zip(rescans, rescan_phase)):
            w.writerow([i, ph, "%.6f" % tm, "%.6f" % tr if tr is not None else "", msgs_per_rescan.get(i, 0)])

    flush_counts = {}
    for ph in phase_names:
        fl = [f for f in flushes if f["rs"][0]["phase"] == ph]
        flush_counts[ph] = {"flushes": len(fl),
                            "signals_per_flush_max": max((len(f["rs"]) for f in fl), default=0),
                            "rescans": sum(1 for p in rescan_phase if p == ph) if have_trace else None,
                            "rescans_without_signals": (sum(1 for i, p in enumerate(rescan_phase)
                                                            if p == ph and msgs_per_rescan.get(i, 0) == 0)
                                                        if have_trace else None)}

    counts = {
        "pid1_unique_name": pid1,
        "capture_messages": len(msgs),
        "by_sender": dict(senders),
        "by_type": dict(types),
        "pid1": by_phase,
        "flush_definition": flush_def,
        "flushes": flush_counts,
    }
    with open(os.path.join(out, "counts.json"), "w") as f:
        json.dump(counts, f, indent=1, sort_keys=False)
        f.write("\n")

    with open(os.path.join(out, "counts.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["phase", "scope", "key", "value"])
        for s_, n in sorted(senders.items()):
            w.writerow(["all", "sender", s_, n])
        for t_, n in sorted(types.items()):
            w.writerow(["all", "type", t_, n])
        for ph, b in by_phase.items():
            w.writerow([ph, "pid1", "messages", b["messages"]])
            w.writerow([ph, "pid1", "signals", b["signals"]])
            for k, n in sorted(b["by_type"].items()):
                w.writerow([ph, "pid1_type", k, n])
            for k, n in sorted(b["by_member"].items()):
                w.writerow([ph, "pid1_member", k, n])
            for k, n in sorted(b["properties_changed_by_interface"].items()):
                w.writerow([ph, "pid1_changed_interface", k, n])
            for k, n in sorted(b["by_unit_kind"].items()):
                w.writerow([ph, "pid1_unit_kind", k, n])
            for u, c in b["by_unit"].items():
                for k, n in sorted(c.items()):
                    w.writerow([ph, "pid1_unit", "%s %s" % (u, k), n])
        for ph, fc in flush_counts.items():
            for k, v in fc.items():
                if v is not None:
                    w.writerow([ph, "flushes", k, v])

    # ------------------------------------------------------------------ meta.json
    leftovers = []
    lp = os.path.join(raw, "leftovers.txt")
    if os.path.exists(lp):
        leftovers = [l.strip() for l in open(lp) if l.strip()]
    truncated = sum(1 for m in msgs if m["cap_len"] < m["len"])
    shape_keys = ["root", "relay", "mounts", "pause_ms", "depth", "base", "storm_dir", "non_mount_ancestors",
                  "preexisting", "pre_base", "fstype", "umount", "burst", "no_subscriber", "stalled_subscriber",
                  "relay_limits", "first_mount_unit"]
    meta = {
        "shape": {k: facts.get(k) for k in shape_keys},
        "command_line": facts.get("cmdline"),
        "versions": {k: facts.get(k) for k in ("systemd_version", "dbus_daemon_version", "dbus_broker_version",
                                                 "mount_version", "busctl_version", "pkg_systemd",
                                                 "pkg_dbus-daemon", "pkg_dbus-broker", "pkg_util-linux",
                                                 "host_kernel", "host_nspawn", "tshark")},
        "container": {k: facts.get(k) for k in ("machine", "rootdir", "relay_unit", "nspawn_args", "boot_seconds",
                                                 "system_state", "container_cgroupfs", "pid1_env_burst",
                                                 "pid1_unique_name", "pid1_host_pid", "pid1_host_cgroup", "pid1_bus_fd", "relay_pids",
                                                 "logind_pid", "stalled_subscriber_name", "units_before",
                                                 "mountinfo_lines_before", "mountinfo_lines_after_mount")},
        "host": {"nproc": facts.get("nproc"), "clk_tck": hz, "started": facts.get("started"),
                 "finished": facts.get("finished")},
        "clock": {"realtime_minus_monotonic_before": off, "realtime_minus_monotonic_after": off_after,
                  "note": "capture timestamps (busctl, at receipt) and loop timestamps (bash $EPOCHREALTIME) are "
                          "CLOCK_REALTIME; trace timestamps are CLOCK_MONOTONIC; monotonic = realtime - offset"},
        "timing": timing,
        "cpu": cpu,
        "cpu_note": "utime+stime from /proc/PID/stat in clock ticks (1/%d s: 10 ms resolution) and the on-CPU "
                    "time from /proc/PID/schedstat (ns); mount = from just before the loop to PID 1 quiet; "
                    "umount likewise; includes the quiet wait (PID 1 idle)" % hz,
        "rescans": {
            "method": ("kernel tracepoint sys_enter_openat on PID 1, filename pointer resolved to "
                       "/proc/self/mountinfo" if have_trace else facts.get("trace_status")),
            "by_phase": {ph: flush_counts[ph]["rescans"] for ph in phase_names},
            "strace_mountinfo_opens": strace_rescans,
            "trace_lost_events": int(facts["trace_lost"]) if facts.get("trace_lost", "").isdigit() else None,
        },
        "write_alignment": align_info,
        "serials": serial_check,
        "capture": {"file": "capture.pcapng", "bytes": os.path.getsize(pcap) if os.path.exists(pcap) else None,
                    "messages": len(msgs), "truncated_frames": truncated, "tshark_stderr": tshark_err,
                    "busctl_exit": facts.get("capture_exit")},
        "summary": {ph: {"pid1_signals": by_phase[ph]["signals"], "by_member": by_phase[ph]["by_member"],
                         "properties_changed_by_interface": by_phase[ph]["properties_changed_by_interface"],
                         "flushes": flush_counts[ph]["flushes"], "rescans": flush_counts[ph]["rescans"]}
                    for ph in phase_names},
        "cleanup": {"ok": not leftovers, "left_behind": leftovers},
        "error": facts.get("error"),
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print_summary(meta)
    return 0


def print_summary(meta):
    sh = meta["shape"]
    print("run       %s root, %s, %s; N=%s pause=%s ms depth=%s M=%s burst=%s subscriber=%s%s%s" % (
        sh["root"], meta["versions"]["systemd_version"], sh["relay"], sh["mounts"], sh["pause_ms"], sh["depth"],
        sh["preexisting"], sh["burst"], "none" if sh["no_subscriber"] == "1" else "logind",
        " +stalled" if sh["stalled_subscriber"] == "1" else "", " +umount" if sh["umount"] == "1" else ""))
    for ph in ("mount", "umount"):
        if ph not in meta["timing"]:
            continue
        s = meta["summary"][ph]
        t = meta["timing"][ph]
        c = meta["cpu"].get(ph, {})
        print("%-9s loop %.3f s, PID 1 active %.3f s, rescans %s, flushes %s, PID 1 signals %d" % (
            ph, t["loop_seconds"], t["pid1_active_seconds"] or 0, s["rescans"], s["flushes"], s["pid1_signals"]))
        print("          members %s" % ", ".join("%s %d" % kv for kv in sorted(s["by_member"].items())))
        print("          PropertiesChanged %s" % ", ".join(
            "%s %d" % kv for kv in sorted(s["properties_changed_by_interface"].items())))
        if "pid1" in c:
            print("          CPU PID 1 %.2f s (%d ticks; schedstat %.3f s), relay %.2f s; host busy %s" % (
                c["pid1"]["seconds"], c["pid1"]["ticks"], c["pid1"]["sched_seconds"],
                c["relay"]["seconds"] if "relay" in c else float("nan"),
                "%.0f %%" % (100 * c["host"]["busy_fraction"]) if c.get("host", {}).get("busy_fraction") is not None else "?"))
    sc = meta["serials"]
    print("serials   %s: %d messages from PID 1 (%s), %d gaps, %d missing -> %s" % (
        sc["sender"], sc["messages"], "%s..%s" % (sc["first"], sc["last"]), sc["gaps"], sc["missing"],
        "nothing lost" if sc["ok"] else "CHECK"))
    print("cleanup   %s" % ("ok" if meta["cleanup"]["ok"] else "LEFT BEHIND: %s" % meta["cleanup"]["left_behind"]))


# ------------------------------------------------------------------------------ index

INDEX_MEMBERS = ["UnitNew", "UnitRemoved", "PropertiesChanged", "JobNew", "JobRemoved"]
INDEX_IFACES = ["Unit", "Mount", "Slice", "Socket", "Service", "Scope", "Target", "Path", "Swap", "Device",
                "Automount", "Timer", "Job"]


def index_row(run, meta):
    sh = meta["shape"]
    row = collections.OrderedDict()
    row["run"] = run
    row["root"] = sh["root"]
    row["systemd"] = (meta["versions"].get("pkg_systemd") or "")
    row["relay"] = sh["relay"]
    row["mounts"] = sh["mounts"]
    row["pause_ms"] = sh["pause_ms"]
    row["depth"] = sh["depth"]
    row["non_mount_ancestors"] = sh["non_mount_ancestors"]
    row["preexisting"] = sh["preexisting"]
    row["burst"] = sh["burst"]
    row["subscriber"] = "none" if sh["no_subscriber"] == "1" else "logind"
    row["stalled_subscriber"] = sh["stalled_subscriber"]
    row["umount"] = sh["umount"]
    row["relay_limits"] = sh.get("relay_limits") or ""
    row["mountinfo_lines_before"] = meta["container"].get("mountinfo_lines_before")
    for ph in ("mount", "umount"):
        t = meta["timing"].get(ph)
        s = meta["summary"].get(ph)
        c = meta["cpu"].get(ph, {})
        p = ph[:3] if ph == "mount" else "umt"
        p = "m" if ph == "mount" else "u"
        row[p + "_loop_s"] = t["loop_seconds"] if t else ""
        row[p + "_pid1_active_s"] = t["pid1_active_seconds"] if t else ""
        row[p + "_rescans"] = s["rescans"] if s and s["rescans"] is not None else ""
        row[p + "_flushes"] = s["flushes"] if s else ""
        row[p + "_pid1_signals"] = s["pid1_signals"] if s else ""
        bm = s["by_member"] if s else {}
        for mname in INDEX_MEMBERS:
            row[p + "_" + mname] = bm.get(mname, 0) if s else ""
        row[p + "_other_members"] = sum(v for k, v in bm.items() if k not in INDEX_MEMBERS) if s else ""
        pc = s["properties_changed_by_interface"] if s else {}
        for i in INDEX_IFACES:
            row[p + "_pc_" + i] = pc.get(i, 0) if s else ""
        row[p + "_pc_other"] = sum(v for k, v in pc.items() if k not in INDEX_IFACES) if s else ""
        row[p + "_pid1_cpu_s"] = c["pid1"]["seconds"] if "pid1" in c else ""
        row[p + "_pid1_cpu_sched_s"] = round(c["pid1"]["sched_seconds"], 4) if "pid1" in c else ""
        row[p + "_relay_cpu_s"] = c["relay"]["seconds"] if "relay" in c else ""
        row[p + "_logind_cpu_s"] = c["logind"]["seconds"] if "logind" in c else ""
        row[p + "_host_busy_fraction"] = c["host"]["busy_fraction"] if "host" in c else ""
        row[p + "_others_busy_fraction"] = (c["host"].get("others_busy_fraction")
                                            if "host" in c and c["host"].get("others_busy_fraction") is not None else "")
    sc = meta["serials"]
    row["pid1_messages_captured"] = sc["messages"]
    row["serial_gaps"] = sc["gaps"]
    row["serial_missing"] = sc["missing"]
    row["capture_lost_nothing"] = int(bool(sc["ok"]))
    row["trace_alignment"] = meta.get("write_alignment", {}).get("status", "")
    row["cleanup_ok"] = int(bool(meta["cleanup"]["ok"]))
    return row


def cmd_index(root, dest=None):
    rows = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        if "meta.json" in files:
            with open(os.path.join(d, "meta.json")) as f:
                meta = json.load(f)
            if meta.get("error"):
                continue
            rows.append(index_row(os.path.relpath(d, root), meta))
    rows.sort(key=lambda r: r["run"])
    dest = dest or os.path.join(root, "index.csv")
    if not rows:
        print("no runs under %s" % root, file=sys.stderr)
        return 1
    with open(dest, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        for r in rows:
            w.writerow(r)
    print("wrote %s (%d runs)" % (dest, len(rows)))
    return 0


# ------------------------------------------------------------------------------ relays

# dbus-broker-launch 33 (src/launch/launcher.c): the only <limit>s it reads, their defaults, and how it
# turns them into per-UID quotas on dbus-broker's command line (docs/research/dbus-broker-model.md 1.4).
BROKER_LAUNCHER_DEFAULTS = {"max_outgoing_bytes": 8 * 1024 * 1024, "max_outgoing_unix_fds": 64,
                            "max_connections_per_user": 64, "max_match_rules_per_connection": 256}
# logind's four match rules (systemd 252): what it is sent of PID 1's signals
LOGIND_MEMBERS = {"PropertiesChanged", "UnitRemoved", "JobRemoved", "Reloading"}
SENDER_FIELD = 16  # the sender field the relay adds to PID 1's messages (":1.N", N < 10^4): not charged
BROKER_FIXED_CHARGE = 1416  # sizeof(SocketBuffer) + sizeof(Message), amd64 (research note 1.3)

RE_BROKER_PEER = re.compile(r"^(Peer|Monitor) (:\d+\.\d+) is being disconnected as it does not have the resources to (.*)\.$")
RE_BROKER_QUOTA = re.compile(r"^UID (\d+) exceeded its '(\w+)' quota on UID (\d+)\.$")
RE_DAEMON_REJECT = re.compile(r'Rejected: destination has a full message queue.*?type="(\w+)", sender="([^"]*)".*?'
                              r'interface="([^"]*)" member="([^"]*)".*destination="[^"]*" \(uid=(\d+) pid=(\d+) comm="([^"]*)"\)')
BROKER_KINDS = {
    "receive a signal it subscribed to": "broadcast signal (receiver shut down)",
    "receive a message it subscribed to": "monitor copy (monitor shut down)",
    "perform an operation": "own incoming message (sender closed)",
    "receive a reply or unicast signal it expects": "driver reply or unicast signal (receiver shut down)",
    "receive a reply it requested": "reply (receiver shut down)",
}


def broker_quotas(limits):
    """What dbus-broker-launch 33 passes for these <limit>s: --max-bytes/--max-fds/--max-matches
    (saturating 64-bit products, then truncated to 32 bits by bus_init()), and the limits it ignores."""
    v = dict(BROKER_LAUNCHER_DEFAULTS)
    ignored = []
    for k, x in limits.items():
        if k in v:
            v[k] = x
        else:
            ignored.append(k)
    m = v["max_connections_per_user"]
    q = {"max_bytes": m * v["max_outgoing_bytes"], "max_fds": m * v["max_outgoing_unix_fds"],
         "max_matches": m * v["max_match_rules_per_connection"]}
    return {"args": q, "effective_uint32": {k: x % 2 ** 32 for k, x in q.items()}, "ignored_limits": sorted(ignored)}


def read_journal_json(path):
    out = []
    if not os.path.exists(path):
        return out
    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            msg = e.get("MESSAGE")
            if isinstance(msg, list):  # journalctl gives non-UTF-8 messages as byte arrays
                msg = bytes(x for x in msg if isinstance(x, int)).decode(errors="replace")
            e["MESSAGE"] = msg or ""
            e["t"] = int(e.get("__REALTIME_TIMESTAMP", "0")) / 1e6
            out.append(e)
    return out


def read_tsv(path, comment="#"):
    if not os.path.exists(path):
        return None, []
    rows, tail = [], []
    with open(path, errors="replace") as f:
        hdr = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.startswith(comment):
                tail.append(line.rstrip("\n"))
                continue
            v = line.rstrip("\n").split("\t")
            rows.append(dict(zip(hdr, v)))
    return rows, tail


def cmd_relays(out):
    """OUTDIR/relays.json and OUTDIR/raw/relay-journal.txt: who the relay disconnected (dbus-broker) or
    dropped messages for (dbus-daemon), when, after how many messages and bytes, with the quota row."""
    raw = os.path.join(out, "raw")
    facts = read_facts(raw)
    relay = facts.get("relay", "")
    limits = {}
    for kv in (facts.get("relay_limits") or "").split():
        k, _, v = kv.partition("=")
        limits[k] = int(v)
    t_mount = read_times(os.path.join(raw, "times-mount.txt"))
    t_umount = read_times(os.path.join(raw, "times-umount.txt"))
    t0 = t_mount["start"] if t_mount and "start" in t_mount else float(facts.get("storm_start", "0") or 0)
    umount_start = t_umount["start"] if t_umount and "start" in t_umount else None

    def rel(t):
        return round(t - t0, 6) if t else None

    def phase_at(t):
        if t is None:
            return None
        if t < t0:
            return "before"
        return "umount" if umount_start is not None and t >= umount_start else "mount"

    # ---- PID 1's signals, by serial: the capture (every PID 1 message until the monitor was cut) and the
    # observer (every PID 1 signal, as an unprivileged receiver, until it was cut, if ever)
    pid1 = facts.get("pid1_unique_name", "")
    sig = {}  # serial -> {member, bytes, t, src}
    p = os.path.join(out, "pid1-messages.tsv.gz")
    cap_serials = []
    if os.path.exists(p):
        with gzip.open(p, "rt") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if not r["serial"]:
                    continue
                cap_serials.append(int(r["serial"]))
                if r["type"] == "signal":
                    sig[int(r["serial"])] = {"member": r["member"], "bytes": int(r["bytes"] or 0),
                                             "t": float(r["capture_time"]), "src": "capture"}
    obs_rows, obs_tail = read_tsv(os.path.join(raw, "observer.tsv"))
    noc = []  # NameOwnerChanged seen by the observer: (t, name, old, new)
    obs_serials = []
    if obs_rows is not None:
        for r in obs_rows:
            if r.get("member") == "NameOwnerChanged" and r.get("sender") == "org.freedesktop.DBus":
                noc.append((float(r["t"]), r["arg0"], r["arg1"], r["arg2"]))
            elif r.get("type") == "signal" and r.get("interface", "").startswith(("org.freedesktop.systemd1",
                                                                               "org.freedesktop.DBus.Properties")):
                sn = int(r["serial"])
                if r["sender"] == pid1:
                    obs_serials.append(sn)
                    sig.setdefault(sn, {"member": r["member"], "bytes": int(r["bytes"]), "t": float(r["t"]),
                                        "src": "observer"})
    # PID 1's later connections (after a disconnect) have other unique names and restart at serial 1:
    # only its first connection is counted here.
    known = sorted(sig)

    def signals_before(serial, members=None):
        """PID 1 signals with a serial below `serial` (on its first connection), optionally only these
        members: (count, wire bytes, charged bytes estimate, serials unknown in that range)."""
        lo = min(cap_serials) if cap_serials else (known[0] if known else 0)
        n = b = 0
        for sn in known:
            if sn >= serial:
                break
            m = sig[sn]
            if members is None or m["member"] in members:
                n += 1
                b += m["bytes"]
        all_known = set(cap_serials) | set(known)
        unknown = sum(1 for x in range(lo, serial) if x not in all_known)
        return n, b, b + n * (BROKER_FIXED_CHARGE - SENDER_FIELD), unknown

    def time_of_serial(serial):
        if serial in sig:
            return sig[serial]["t"], sig[serial]["src"]
        before = [x for x in known if x < serial]
        if before:
            return sig[before[-1]]["t"], sig[before[-1]]["src"] + " (last known serial before it)"
        return None, None

    # ---- who is who
    roles = {}
    for k, role in (("pid1_unique_name", "pid1"), ("logind_unique_name", "logind"),
                    ("stalled_subscriber_name", "stalled"), ("observer_name", "observer")):
        if facts.get(k):
            roles[facts[k]] = role
    for t, name, old, new in noc:  # later owners of PID 1's and logind's names
        if name == "org.freedesktop.systemd1" and new:
            roles.setdefault(new, "pid1")
        if name == "org.freedesktop.login1" and new:
            roles.setdefault(new, "logind")
    # A connection that becomes a monitor (busctl capture) drops its unique name at once
    # (NameOwnerChanged to ""), before the storm; if the relay later disconnects that name, it was the
    # capture monitor (dbus-broker logs monitors cut by a driver broadcast as "Peer", not "Monitor").
    gone_before = {name for t, name, old, new in noc if name == old and not new and t < t0}
    pid1_names = {k for k, v in roles.items() if v == "pid1"}

    journal = read_journal_json(os.path.join(raw, "journal.json.gz"))
    relay_lines = [e for e in journal if e.get("SYSLOG_IDENTIFIER") in ("dbus-broker", "dbus-broker-launch", "dbus-daemon")
                   or e.get("_COMM") in ("dbus-broker", "dbus-broker-lau", "dbus-daemon")]
    suppressed = [e["MESSAGE"] for e in journal if e.get("SYSLOG_IDENTIFIER") == "systemd-journald"
                  and "Suppressed" in e["MESSAGE"]]
    events = [e for e in journal if e.get("_PID") == "1" and (
        "Got disconnect on API bus" in e["MESSAGE"] or "systemd-logind.service" in e["MESSAGE"] and any(
            w in e["MESSAGE"] for w in ("Deactivated", "Scheduled restart", "Start request repeated", "Failed",
                                        "Main process exited"))
        or "Unexpected error response from GetNameOwner" in e["MESSAGE"] or "dbus.service" in e["MESSAGE"] and any(
            w in e["MESSAGE"] for w in ("Main process exited", "Failed", "Scheduled restart")))]
    events = [e for e in events if e["t"] >= t0 - 1]

    res = {
        "relay": relay,
        "loop_start_realtime": t0,
        "umount_start_relative": rel(umount_start) if umount_start else None,
        "limits": {"requested": limits,
                   "drop_in": "/etc/dbus-1/system.d/zz-testbed-limits.conf" if limits else None},
        "peers": {v: k for k, v in roles.items() if k in (facts.get("pid1_unique_name"), facts.get("logind_unique_name"),
                                                         facts.get("stalled_subscriber_name"), facts.get("observer_name"))},
        "pid1_signals_known": len(known),
        "pid1_signal_sources": {"capture": sum(1 for x in sig.values() if x["src"] == "capture"),
                                "observer_only": sum(1 for x in sig.values() if x["src"] == "observer")},
        "final_probe": facts.get("final_probe"),
        "journal_suppressed": suppressed,
        "pid1_api_bus_disconnects": sum(1 for e in events if "Got disconnect on API bus" in e["MESSAGE"]),
        "logind_restarts": sum(1 for e in events if "systemd-logind.service: Scheduled restart" in e["MESSAGE"]),
        "disconnects": [],
        "drops": None,
    }
    if relay == "dbus-broker":
        cmd = facts.get("relay_cmdline_dbus-broker", "")
        got = {}
        for k in ("max-bytes", "max-fds", "max-matches"):
            m_ = re.search(r"--%s (\d+)" % k, cmd)
            if m_:
                got[k.replace("-", "_")] = int(m_.group(1))
        exp = broker_quotas(limits)
        res["limits"]["broker_expected"] = exp
        res["limits"]["broker_command_line"] = got
        res["limits"]["broker_matches_expected"] = bool(got) and all(
            got.get(k) == v for k, v in exp["effective_uint32"].items())
    # ---- relay stats (raw/relay-stats-*.txt): dbus-broker's uid-0 accounting, dbus-daemon's queues
    for label in ("before", "after"):
        sp = os.path.join(raw, "relay-stats-%s.txt" % label)
        if not os.path.exists(sp):
            continue
        st = {}
        for line in open(sp, errors="replace"):
            name, rc, text = (line.rstrip("\n").split("\t", 2) + ["", ""])[:3]
            if rc != "0":
                st[name] = {"error": text.strip()}
                continue
            if name == "bus":
                m_ = re.search(r'UserAccounting" a\(ua\(suu\)a\{ua\{su\}\}\) (\d+) (.*)', text)
                if m_:  # per uid: uid, 4 slots "Name" remaining max, then per-actor usages
                    acc = {}
                    for u in re.finditer(r'(\d+) 4 "Bytes" (\d+) (\d+) "Fds" (\d+) (\d+) "Matches" (\d+) (\d+) '
                                         r'"Objects" (\d+) (\d+)', m_.group(2)):
                        acc[u.group(1)] = {"bytes_remaining": int(u.group(2)), "bytes_max": int(u.group(3)),
                                           "bytes_consumed": int(u.group(3)) - int(u.group(2))}
                    st["user_accounting"] = acc
                m_ = re.search(r'"ActiveConnections" u (\d+)', text)
                if m_:
                    st["active_connections"] = int(m_.group(1))
            else:
                d = {k: int(v) for k, v in re.findall(r'"(OutgoingMessages|OutgoingBytes|PeakOutgoingBytes|IncomingBytes|PeakIncomingBytes)" u (\d+)', text)}
                st[roles.get(name, name)] = d
        res["relay_stats_" + label] = st

    # ---- the stalled subscriber's own count (it read everything the relay kept for it at the end)
    drain_rows, drain_tail = read_tsv(os.path.join(raw, "stalled-drain.tsv"))
    drain = None
    if drain_rows is not None:
        sigs = [r for r in drain_rows if r["type"] == "signal" and r["sender"] == pid1]
        later = [r for r in drain_rows if r["type"] == "signal" and r["sender"] in pid1_names and r["sender"] != pid1]
        end = drain_tail[0].split() if drain_tail else []
        drain = {"messages": len(drain_rows), "bytes": sum(int(r["bytes"]) for r in drain_rows),
                 "pid1_signals": len(sigs), "pid1_signal_bytes": sum(int(r["bytes"]) for r in sigs),
                 "pid1_later_connections_signals": len(later),
                 "end": end[1] if len(end) > 1 else None,
                 "first_serial": int(sigs[0]["serial"]) if sigs else None,
                 "last_serial": int(sigs[-1]["serial"]) if sigs else None}
        got_serials = {int(r["serial"]) for r in sigs}
        lo = min(cap_serials) if cap_serials else None
        missing = [x for x in known if x not in got_serials and (lo is None or x >= lo)]
        drain["pid1_signals_not_delivered"] = len(missing)
        drain["first_not_delivered_serial"] = missing[0] if missing else None
        drain["not_delivered_contiguous_tail"] = bool(missing) and all(x > (drain["last_serial"] or 0) for x in missing)
        res["stalled_drain"] = drain
    if obs_rows is not None:
        res["observer"] = {"pid1_signals": len(obs_serials), "eof": any(l.startswith("#eof") for l in obs_tail),
                           "last_pid1_serial": max(obs_serials) if obs_serials else None}

    excerpt = []
    # the longest pause between two of PID 1's signals as captured during the storm: dbus-daemon's
    # back-pressure (it stops reading PID 1) shows as one long pause that ends when the subscriber reads
    cs = sorted((v["t"], k) for k, v in sig.items() if v["src"] == "capture" and v["t"] >= t0)
    if len(cs) > 1:
        gap, i = max((cs[i + 1][0] - cs[i][0], i) for i in range(len(cs) - 1))
        res["pid1_longest_pause"] = {"seconds": round(gap, 6), "after_signals": i + 1, "after_serial": cs[i][1],
                                     "from_t_relative": rel(cs[i][0]), "to_t_relative": rel(cs[i + 1][0]),
                                     "stalled_drain_t_relative": rel(float(facts["stalled_drain_start"]))
                                     if facts.get("stalled_drain_start") else None}
    uid_of = {"observer": 65534}
    if facts.get("stalled_subscriber_uid"):
        uid_of["stalled"] = int(facts["stalled_subscriber_uid"])
    if relay == "dbus-broker":
        pending_quota = []
        last_quota = {}
        last_pid1_serial = None
        for e in relay_lines:
            m_ = RE_BROKER_QUOTA.match(e["MESSAGE"])
            if m_:
                q = {"actor_uid": int(m_.group(1)), "slot": m_.group(2), "owner_uid": int(m_.group(3)),
                     "t_relative_journal": rel(e["t"])}
                for k in ("AMOUNT", "REMAINING", "CONSUMED", "N_ACTORS"):
                    v = e.get("DBUS_BROKER_USER_CHARGE_" + k)
                    q[k.lower()] = int(v) if v is not None and str(v).isdigit() else v
                pending_quota.append(q)
                excerpt.append(e)
                continue
            m_ = RE_BROKER_PEER.match(e["MESSAGE"])
            if not m_:
                if e.get("PRIORITY") in ("0", "1", "2", "3", "4") or e["t"] >= t0:
                    excerpt.append(e)
                continue
            excerpt.append(e)
            name = m_.group(2)
            role = "monitor" if m_.group(1) == "Monitor" else roles.get(
                name, "monitor" if name in gone_before else "other")
            d = {"peer": name, "role": role, "kind": BROKER_KINDS.get(m_.group(3), m_.group(3)),
                 "t_relative_journal": rel(e["t"]), "phase": phase_at(e["t"]), "quota": None}
            # "UID A exceeded its 'S' quota on UID O" is logged once per (owner, actor) usage: it belongs to
            # the first cut of a peer of uid O after it; later cuts on the same uid get the same row
            # (quota_line_own false).
            uid = uid_of.get(role, 0)
            for q in pending_quota:
                if q["owner_uid"] == uid:
                    pending_quota.remove(q)
                    last_quota[uid] = q
                    d["quota"] = q
                    d["quota_line_own"] = True
                    break
            else:
                if uid in last_quota:
                    d["quota"] = last_quota[uid]
                    d["quota_line_own"] = False
            ser = e.get("DBUS_BROKER_MESSAGE_SERIAL")
            if ser is not None:
                ser = int(ser)
                d["message"] = {"serial": ser, "type": e.get("DBUS_BROKER_MESSAGE_TYPE"),
                                "member": e.get("DBUS_BROKER_MESSAGE_MEMBER"),
                                "sender": e.get("DBUS_BROKER_SENDER_UNIQUE_NAME"),
                                "destination": e.get("DBUS_BROKER_MESSAGE_DESTINATION")}
                if e.get("DBUS_BROKER_SENDER_UNIQUE_NAME") == pid1:
                    tm, src = time_of_serial(ser)
                    d["t_relative_message"] = rel(tm)
                    d["t_message_source"] = src
                    d["phase"] = phase_at(tm) or d["phase"]
                    members = LOGIND_MEMBERS if role == "logind" else None
                    n, b, c, unknown = signals_before(ser, members)
                    d["messages_before"] = n
                    d["bytes_before"] = b
                    d["charged_bytes_before_est"] = c
                    d["unknown_serials_before"] = unknown
                    d["messages_before_counts"] = ("PID 1 signals with a lower serial that match logind's rules "
                                                   "(PropertiesChanged, UnitRemoved, JobRemoved, Reloading)"
                                                   if role == "logind" else "PID 1 signals with a lower serial")
            # the broker's goodbye for it (NameOwnerChanged of its unique name to ""), as the observer saw
            # it: at once for a closed sender, at the peer's own close for a shut-down receiver
            # (a monitor's own NameOwnerChanged when it became a monitor, before the storm, is not one)
            t_cut = t0 + (d.get("t_relative_message") if d.get("t_relative_message") is not None
                          else d["t_relative_journal"])
            bye = [t for t, nm, old, new in noc if nm == name and old == name and not new and t >= t_cut - 0.1]
            d["goodbye_t_relative"] = rel(bye[0]) if bye else None
            if role == "stalled" and drain:
                d["delivered_drained"] = drain["messages"]
                d["delivered_drained_bytes"] = drain["bytes"]
                d["delivered_drained_pid1_signals"] = drain["pid1_signals"]
            if ser is not None and e.get("DBUS_BROKER_SENDER_UNIQUE_NAME") == pid1:
                last_pid1_serial = (ser, e["t"])
            if role == "pid1" and d["kind"].startswith("own incoming"):
                # PID 1's connection was closed on its own message: every signal of that connection that
                # was routed at all was routed before (the capture and the observer show what was)
                last = known[-1] if known else 0
                n, b, c, unknown = signals_before(last + 1)
                d.update(messages_before=n, bytes_before=b, unknown_serials_before=unknown, pid1_last_serial_routed=last,
                         messages_before_counts="every signal of PID 1's first connection that was routed")
            elif "messages_before" not in d and last_pid1_serial and e["t"] - last_pid1_serial[1] < 0.5:
                # cut by a message that is not PID 1's (a driver broadcast): PID 1 had sent up to the one
                # the broker's previous line was about (it logs in routing order)
                members = LOGIND_MEMBERS if role == "logind" else None
                n, b, c, unknown = signals_before(last_pid1_serial[0] + 1, members)
                d.update(messages_before=n, bytes_before=b, unknown_serials_before=unknown,
                         pid1_last_serial_routed=last_pid1_serial[0],
                         messages_before_counts="PID 1 signals%s up to the serial of the broker's previous cut line" % (
                             " matching logind's rules" if members else ""))
            if "messages_before" not in d:  # not a message of PID 1's first connection: count by time
                members = LOGIND_MEMBERS if role == "logind" else None
                before = [x for x in known if sig[x]["t"] <= e["t"] and (members is None or sig[x]["member"] in members)]
                d["messages_before"] = len(before)
                d["bytes_before"] = sum(sig[x]["bytes"] for x in before)
                d["messages_before_counts"] = ("PID 1 signals (first connection%s) seen before the journal's time "
                                               "of the line (an upper bound: journald receives it late)" % (
                                                   ", logind's members" if members else ""))
                d["pid1_last_serial_before"] = before[-1] if before else None
            res["disconnects"].append(d)
        res["quota_lines_unattached"] = pending_quota
    elif relay == "dbus-daemon":
        per = collections.OrderedDict()
        for e in relay_lines:
            m_ = RE_DAEMON_REJECT.search(e["MESSAGE"])
            if not m_:
                if e["t"] >= t0 or e.get("PRIORITY") in ("0", "1", "2", "3", "4"):
                    excerpt.append(e)
                continue
            uid, pid, comm = m_.group(5), m_.group(6), m_.group(7)
            if uid == "65534":
                role = "observer"
            elif "systemd-logind" in comm:
                role = "logind"
            elif uid == "0" and pid == "0":
                role = "stalled"  # a host process: its pid is not in the container's namespace
            elif "busctl" in comm:
                role = "monitor"
            else:
                role = "other:%s/%s/%s" % (uid, pid, comm)
            r = per.setdefault(role, {"role": role, "recipient": "uid=%s pid=%s comm=%s" % (uid, pid, comm),
                                      "dropped": 0, "by_member": collections.Counter(), "first_t": e["t"],
                                      "last_t": e["t"], "sender": m_.group(2)})
            r["dropped"] += 1
            r["by_member"][m_.group(4)] += 1
            r["last_t"] = e["t"]
            if r["dropped"] <= 3:
                excerpt.append(e)
            r["_last"] = e
        drops = []
        for role, r in per.items():
            excerpt.append(r.pop("_last"))
            r["by_member"] = dict(r["by_member"])
            r["first_t_relative_journal"] = rel(r.pop("first_t"))
            r["last_t_relative_journal"] = rel(r.pop("last_t"))
            r["phase_first"] = phase_at(t0 + r["first_t_relative_journal"])
            if role == "stalled" and drain:
                r["delivered_drained"] = drain["messages"]
                r["delivered_drained_bytes"] = drain["bytes"]
                r["delivered_drained_pid1_signals"] = drain["pid1_signals"]
                r["not_delivered_pid1_signals"] = drain["pid1_signals_not_delivered"]
                fs = drain["first_not_delivered_serial"]
                if fs is not None:
                    tm, src = time_of_serial(fs)
                    r["first_drop_serial"] = fs
                    r["t_relative_message"] = rel(tm)
                    r["t_message_source"] = src
                    r["phase_first"] = phase_at(tm)
                    n, b, c, unknown = signals_before(fs)
                    r["messages_before_first_drop"] = n
                    r["bytes_before_first_drop"] = b
            elif role == "observer" and obs_rows is not None:  # its own record shows which it missed
                seen = set(obs_serials)
                lo = min(cap_serials) if cap_serials else None
                missing = [x for x in known if x not in seen and (lo is None or x >= lo)]
                r["delivered_observed"] = len(obs_serials)
                r["not_delivered_pid1_signals"] = len(missing)
                if missing:
                    tm, src = time_of_serial(missing[0])
                    n, b, c, unknown = signals_before(missing[0])
                    r.update(first_drop_serial=missing[0], t_relative_message=rel(tm), t_message_source=src,
                             phase_first=phase_at(tm), messages_before_first_drop=n, bytes_before_first_drop=b)
            elif role == "logind":  # no serial in the log line: the first drop's time, as journald got it
                before = [x for x in known if sig[x]["t"] <= t0 + r["first_t_relative_journal"]
                          and sig[x]["member"] in LOGIND_MEMBERS]
                r["messages_before_first_drop_approx"] = len(before)
            drops.append(r)
        res["drops"] = drops
        if drain:  # the count from the drain, whether or not the journal kept every line
            res["stalled_not_delivered"] = drain["pid1_signals_not_delivered"]
    # logind after a cut: PID 1 stops it when its name goes, restarts it, the new one owns login1 again
    cut = [d for d in res["disconnects"] if d["role"] == "logind"]
    if cut:
        tc = t0 + cut[0]["t_relative_journal"]
        lg = {"cut_t_relative_journal": cut[0]["t_relative_journal"]}
        for key, text in (("deactivated", "systemd-logind.service: Deactivated successfully"),
                          ("restart_scheduled", "systemd-logind.service: Scheduled restart job"),
                          ("started_again", "Started systemd-logind.service"),
                          ("start_limit_hit", "systemd-logind.service: Start request repeated too quickly")):
            ts = [e["t"] for e in journal if e.get("_PID") == "1" and text in e["MESSAGE"] and e["t"] >= tc]
            lg[key + "_t_relative"] = rel(ts[0]) if ts else None
        back = [t for t, name, old, new in noc if name == "org.freedesktop.login1" and new and t >= tc]
        lost = [t for t, name, old, new in noc if name == "org.freedesktop.login1" and not new and t >= tc - 1]
        lg["login1_released_t_relative"] = rel(lost[0]) if lost else None
        lg["login1_owned_again_t_relative"] = rel(back[0]) if back else None
        lg["note"] = ("journald receipt times; login1 times from the observer (None if it was cut or "
                      "did not see it)")
        res["logind_after_cut"] = lg
    excerpt += events
    excerpt.sort(key=lambda e: e["t"])
    with open(os.path.join(raw, "relay-journal.txt"), "w") as f:
        f.write("# %s: the relay's lines (dbus-daemon: the first three and the last drop line per recipient), "
                "PID 1's lines about its bus and logind; time relative to the mount loop's start (journald's "
                "receipt time)\n" % relay)
        for e in excerpt:
            extra = ""
            if "DBUS_BROKER_MESSAGE_SERIAL" in e or "DBUS_BROKER_USER_CHARGE_AMOUNT" in e:
                extra = "  [" + " ".join("%s=%s" % (k[12:], e[k]) for k in sorted(e)
                                         if k.startswith("DBUS_BROKER_") and (
                                             "CHARGE" in k or k in ("DBUS_BROKER_MESSAGE_SERIAL", "DBUS_BROKER_MESSAGE_MEMBER",
                                                                    "DBUS_BROKER_MESSAGE_TYPE", "DBUS_BROKER_SENDER_UNIQUE_NAME",
                                                                    "DBUS_BROKER_RECEIVER_UNIQUE_NAME"))) + "]"
            f.write("%+.6f %s[%s]: %s%s\n" % (e["t"] - t0, e.get("SYSLOG_IDENTIFIER") or e.get("_COMM", "?"), e.get("_PID", "?"),
                                               e["MESSAGE"], extra))
    if relay == "dbus-daemon":
        with open(os.path.join(raw, "relay-journal.txt"), "a") as f:
            for r in res["drops"] or []:
                f.write("# %s: %d drop lines in all\n" % (r["role"], r["dropped"]))
    with open(os.path.join(out, "relays.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print_relays(res)
    return 0


def print_relays(res):
    lim = " ".join("%s=%s" % kv for kv in sorted(res["limits"]["requested"].items())) or "default limits"
    print("relay     %s, %s" % (res["relay"], lim))
    for d in res["disconnects"]:
        q = d.get("quota") or {}
        print("  cut     %-8s %-6s t=%ss (%s) after %s messages, %s bytes%s" % (
            d["role"], d["peer"], d.get("t_relative_message", d["t_relative_journal"]), d["kind"],
            d.get("delivered_drained", d.get("messages_before", d.get("pid1_signals_sent_before", "?"))),
            d.get("delivered_drained_bytes", d.get("bytes_before", "?")),
            "; quota %s amount %s remaining %s consumed %s n_actors %s" % (
                q.get("slot"), q.get("amount"), q.get("remaining"), q.get("consumed"), q.get("n_actors")) if q else ""))
    for r in res["drops"] or []:
        print("  drops   %-8s %d dropped (first t=%ss), %s delivered" % (
            r["role"], r["dropped"], r.get("t_relative_message", r["first_t_relative_journal"]),
            r.get("delivered_drained", r.get("messages_before_first_drop", r.get("messages_before_first_drop_approx", "?")))))
    if not res["disconnects"] and not res["drops"]:
        print("  nobody disconnected, nothing dropped")
    if res.get("stalled_drain"):
        d = res["stalled_drain"]
        print("  stalled drained %d messages (%d bytes), end %s" % (d["messages"], d["bytes"], d["end"]))


def main(argv):
    if len(argv) == 4 and argv[1] == "resolve-pointers":
        return cmd_resolve_pointers(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "analyze":
        return cmd_analyze(argv[2])
    if len(argv) == 3 and argv[1] == "relays":
        return cmd_relays(argv[2])
    if len(argv) in (3, 4) and argv[1] == "index":
        return cmd_index(argv[2], argv[3] if len(argv) == 4 else None)
    if len(argv) == 3 and argv[1] == "summary":
        with open(os.path.join(argv[2], "meta.json")) as f:
            print_summary(json.load(f))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
