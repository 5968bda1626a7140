#!/usr/bin/env python3
"""A D-Bus client that subscribes to PID 1's signals and then never reads its socket.

Standard library only (the testbed runs it on the host and connects through
/proc/<container PID 1>/root/run/dbus/system_bus_socket, so the container needs no python).

It authenticates (EXTERNAL, as the calling uid), calls Hello, adds the match rule
    type='signal',sender='org.freedesktop.systemd1'
(every signal of PID 1: UnitNew, UnitRemoved, JobNew, JobRemoved, PropertiesChanged, ...), calls
org.freedesktop.systemd1.Manager.Subscribe, reads until the reply to Subscribe arrives, writes
its unique name to --ready-file and then sleeps without ever reading again, until killed.

With --drain-file FILE, SIGUSR1 ends the stall: it then reads everything the relay has for it
(what sits in the kernel socket and what the relay still queues), until end of file (the relay
hung up: dbus-broker flushes a disconnected peer's queue, then shuts the socket down) or until
--drain-idle seconds pass without data, writes FILE (tab-separated, one line per message received:
index, type, sender, serial, member, interface, first string argument, bytes on the wire; then a
line "#end eof|idle MESSAGES BYTES"), closes the socket and exits 0.  SIGTERM exits at once.

With --observe FILE it is no stalled subscriber but an observer that reads all the time: it adds
the matches type='signal',sender='org.freedesktop.systemd1' and type='signal',
sender='org.freedesktop.DBus',member='NameOwnerChanged', does NOT call Subscribe(), and writes one
line per message to FILE (tab-separated: receipt time CLOCK_REALTIME, type, sender, serial, member,
interface, path, the first three string arguments, bytes on the wire) until SIGTERM.  The testbed
runs it as an unprivileged user, whose dbus-broker quota is its own: it sees what PID 1 sent and
every disconnect (NameOwnerChanged) even when uid 0's quota is exhausted and the root busctl
capture has been cut.

Usage: stalled-subscriber.py --socket PATH --ready-file FILE [--timeout SECONDS]
                             [--drain-file FILE [--drain-idle SECONDS] | --observe FILE]
Exit status: 0 after SIGTERM or a drain, 1 on any protocol error before it is ready,
2 on bad arguments.
"""
import argparse
import os
import signal
import socket
import struct
import sys
import time

METHOD_CALL, METHOD_RETURN, ERROR, SIGNAL = 1, 2, 3, 4


def _pad(buf, n):
    buf += b"\0" * ((-len(buf)) % n)


def _fields(items):
    """items: list of (code, typechar, value:str). The array starts at message offset 16."""
    out = bytearray()
    for code, t, val in items:
        _pad(out, 8)
        out += bytes([code, 1]) + t.encode() + b"\0"
        v = val.encode()
        if t in "os":
            _pad(out, 4)  # offset 16 + len(out) is 4-aligned iff len(out) is
            out += struct.pack("<I", len(v)) + v + b"\0"
        elif t == "g":
            out += bytes([len(v)]) + v + b"\0"
        else:
            raise ValueError(t)
    return bytes(out)


def method_call(serial, dest, path, iface, member, sig=None, args=()):
    body = bytearray()
    for a in args:  # strings only
        _pad(body, 4)
        v = a.encode()
        body += struct.pack("<I", len(v)) + v + b"\0"
    items = [(1, "o", path), (2, "s", iface), (3, "s", member), (6, "s", dest)]
    if sig:
        items.append((8, "g", sig))
    f = _fields(items)
    hdr = bytearray(b"l" + bytes([METHOD_CALL, 0, 1]) + struct.pack("<III", len(body), serial, len(f)) + f)
    _pad(hdr, 8)
    return bytes(hdr) + bytes(body)


def recv_exact(s, n, deadline):
    buf = bytearray()
    while len(buf) < n:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("bus closed the connection")
        buf += chunk
    return bytes(buf)


def read_message(s, deadline, sizes=None):
    fixed = recv_exact(s, 16, deadline)
    if fixed[0:1] != b"l":
        raise ValueError("big-endian message not supported")
    mtype = fixed[1]
    body_len, serial, flen = struct.unpack("<III", fixed[4:16])
    rest = recv_exact(s, flen + ((-(16 + flen)) % 8) + body_len, deadline)
    fields = rest[:flen]
    body = rest[flen + ((-(16 + flen)) % 8):]
    hdr = {}
    i = 0
    while i < len(fields):
        i += (-i) % 8
        if i >= len(fields):
            break
        code = fields[i]
        slen = fields[i + 1]
        t = fields[i + 2:i + 2 + slen].decode()
        i += 3 + slen
        if t in "os":
            i += (-(16 + i)) % 4
            (ln,) = struct.unpack("<I", fields[i:i + 4])
            hdr[code] = fields[i + 4:i + 4 + ln].decode()
            i += 4 + ln + 1
        elif t == "g":
            ln = fields[i]
            hdr[code] = fields[i + 1:i + 1 + ln].decode()
            i += 1 + ln + 1
        elif t == "u":
            i += (-(16 + i)) % 4
            (hdr[code],) = struct.unpack("<I", fields[i:i + 4])
            i += 4
        else:
            raise ValueError("unexpected header field type %r" % t)
    if sizes is not None:
        sizes.append(16 + len(rest))
    return mtype, serial, hdr, body


def first_string(body):
    (ln,) = struct.unpack("<I", body[:4])
    return body[4:4 + ln].decode()


def leading_strings(sig, body, k=3):
    """The first k string/object-path arguments of a body whose signature starts with them."""
    out, off = [], 0
    for t in sig[:k]:
        if t not in "so":
            break
        off += (-off) % 4
        (ln,) = struct.unpack("<I", body[off:off + 4])
        out.append(body[off + 4:off + 4 + ln].decode(errors="replace"))
        off += 4 + ln + 1
    return out


def observe(s, path):
    """Read for ever; one line per message; flushed on SIGTERM."""
    f = open(path, "w")
    f.write("t\ttype\tsender\tserial\tmember\tinterface\tpath\targ0\targ1\targ2\tbytes\n")

    def stop(*_):
        f.flush()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        sizes = []
        try:
            mtype, serial, hdr, body = read_message(s, time.monotonic() + 1e6, sizes)
        except (EOFError, ConnectionResetError):
            f.write("#eof\t%.6f\n" % time.time())
            stop()
        t = time.time()
        try:
            args = leading_strings(hdr.get(8, ""), body)
        except (struct.error, IndexError):
            args = []
        args += [""] * (3 - len(args))
        f.write("%.6f\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n" % (
            t, TYPE_NAMES.get(mtype, mtype), hdr.get(7, ""), serial, hdr.get(3, ""), hdr.get(2, ""),
            hdr.get(1, ""), args[0], args[1], args[2], sizes[0]))


TYPE_NAMES = {METHOD_CALL: "method_call", METHOD_RETURN: "method_return", ERROR: "error", SIGNAL: "signal"}


def drain(s, path, idle):
    """Read every message until EOF or `idle` seconds without a complete message; write `path`."""
    n = total = 0
    end = "idle"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("index\ttype\tsender\tserial\tmember\tinterface\targ0\tbytes\n")
        while True:
            sizes = []
            try:
                mtype, serial, hdr, body = read_message(s, time.monotonic() + idle, sizes)
            except EOFError:
                end = "eof"
                break
            except (socket.timeout, TimeoutError):
                break
            except ConnectionResetError:
                end = "reset"
                break
            arg0 = ""
            if hdr.get(8, "").startswith("s") and len(body) >= 4:
                try:
                    arg0 = first_string(body)
                except (UnicodeDecodeError, struct.error):
                    arg0 = "?"
            n += 1
            total += sizes[0]
            f.write("%d\t%s\t%s\t%d\t%s\t%s\t%s\t%d\n" % (n, TYPE_NAMES.get(mtype, mtype), hdr.get(7, ""), serial,
                                                       hdr.get(3, ""), hdr.get(2, ""), arg0, sizes[0]))
        f.write("#end %s %d %d\n" % (end, n, total))
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--drain-file")
    ap.add_argument("--drain-idle", type=float, default=3.0)
    ap.add_argument("--observe")
    a = ap.parse_args()
    if a.observe and a.drain_file:
        ap.error("--observe and --drain-file exclude each other")
    if not 0.1 <= a.drain_idle <= 600:
        ap.error("--drain-idle: expected 0.1..600 seconds, found %s" % a.drain_idle)
    deadline = time.monotonic() + a.timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.socket)
    s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
    line = b""
    while not line.endswith(b"\r\n"):
        line += recv_exact(s, 1, deadline)
    if not line.startswith(b"OK "):
        print("stalled-subscriber: authentication refused: %r" % line, file=sys.stderr)
        return 1
    s.sendall(b"BEGIN\r\n")
    match = "type='signal',sender='org.freedesktop.systemd1'"
    s.sendall(method_call(1, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello"))
    s.sendall(method_call(2, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
                          "s", [match]))
    if a.observe:  # the third call: a second match (no Subscribe: an observer must not change what PID 1 sends)
        match += " + type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged'"
        s.sendall(method_call(3, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                              "AddMatch", "s",
                              ["type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged'"]))
    else:
        s.sendall(method_call(3, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                              "org.freedesktop.systemd1.Manager", "Subscribe"))
    unique = None
    got = set()
    while len(got) < 3:
        mtype, _, hdr, body = read_message(s, deadline)
        if mtype in (METHOD_RETURN, ERROR) and hdr.get(5) in (1, 2, 3):
            if mtype == ERROR:
                print("stalled-subscriber: call %d failed: %s" % (hdr[5], hdr.get(4)), file=sys.stderr)
                return 1
            if hdr[5] == 1:
                unique = first_string(body)
            got.add(hdr[5])
    tmp = a.ready_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%s %d %s\n" % (unique, os.getpid(), match))
    os.rename(tmp, a.ready_file)
    if a.observe:
        observe(s, a.observe)
    # From here on: never read. Keep the socket open until killed (or, with --drain-file, until
    # SIGUSR1: then read what the relay kept for us and exit).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    woken = []
    signal.signal(signal.SIGUSR1, lambda *_: woken.append(1))
    while not (woken and a.drain_file):
        signal.pause()
    drain(s, a.drain_file, a.drain_idle)
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
