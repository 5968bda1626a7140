#!/usr/bin/env python3
"""A D-Bus client that subscribes to PID 1's signals and then never reads its socket.

Standard library only (the testbed runs it on the host and connects through
/proc/<container PID 1>/root/run/dbus/system_bus_socket, so the container needs no python).

It authenticates (EXTERNAL, as the calling uid), calls Hello, adds the match rule
    type='signal',sender='org.freedesktop.systemd1'
(every signal of PID 1: UnitNew, UnitRemoved, JobNew, JobRemoved, PropertiesChanged, ...), calls
org.freedesktop.systemd1.Manager.Subscribe, reads until the reply to Subscribe arrives, writes
its unique name to --ready-file and then sleeps without ever reading again, until killed.

Usage: stalled-subscriber.py --socket PATH --ready-file FILE [--timeout SECONDS]
Exit status: 0 never (it sleeps until killed), 1 on any protocol error before it is ready,
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


def read_message(s, deadline):
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
    return mtype, serial, hdr, body


def first_string(body):
    (ln,) = struct.unpack("<I", body[:4])
    return body[4:4 + ln].decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
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
    # From here on: never read. Keep the socket open until killed.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
