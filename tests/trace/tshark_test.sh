#!/usr/bin/env bash
# tshark (Debian's Wireshark) reads the pcap trace of scenarios/incident-single-mount.json as it
# reads a `busctl capture`: 65 messages sent by systemd (:1.0), 64 PropertiesChanged with the
# signature sa{sv}as on the unit object paths (two per unit, 32 units, /home/mark's among them),
# 1 UnitNew on /org/freedesktop/systemd1, and no malformed frame or expert warning.
#
# Usage: tshark_test.sh MOUNTSTORM_BINARY SOURCE_DIR
# Exits 77 (skipped) when tshark is missing and cannot be installed (not root, or apt fails).
set -euo pipefail
prog=$1
src=$2

. "$(dirname "$0")/need_tshark.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export HOME="$dir"  # tshark may create ~/.config/wireshark; keep it out of the real home

fail() {
  echo "FAIL: $*"
  echo "--- tshark -T fields (sender, member, path, signature):"
  cat "$dir/fields.tsv" 2>/dev/null || true
  exit 1
}

"$prog" run "$src/scenarios/incident-single-mount.json" -o "$dir/out" --trace "$dir/t.pcap" -q ||
  fail "mountstorm run --trace exited $?"
[ -s "$dir/t.pcap" ] || fail "no trace written"

tshark -r "$dir/t.pcap" -T fields -E separator=/t \
  -e dbus.sender -e dbus.member -e dbus.path -e dbus.signature >"$dir/fields.tsv" 2>"$dir/tshark.err" ||
  { cat "$dir/tshark.err"; fail "tshark -r failed"; }

count() { awk -F'\t' "$1" "$dir/fields.tsv" | wc -l; }
from_systemd=$(count '$1 == ":1.0"')
changed=$(count '$1 == ":1.0" && $2 == "PropertiesChanged" && $4 == "sa{sv}as" && index($3, "/org/freedesktop/systemd1/unit/") == 1')
unit_new=$(count '$1 == ":1.0" && $2 == "UnitNew" && $3 == "/org/freedesktop/systemd1" && $4 == "so"')
mark=$(count '$2 == "PropertiesChanged" && $3 == "/org/freedesktop/systemd1/unit/home_2dmark_2emount"')
units=$(awk -F'\t' '$2 == "PropertiesChanged" { n[$3]++ } END { for (p in n) if (n[p] == 2) k++; print k + 0 }' "$dir/fields.tsv")

[ "$from_systemd" -eq 65 ] || fail "expected 65 messages sent by :1.0 (systemd), found $from_systemd"
[ "$changed" -eq 64 ] || fail "expected 64 PropertiesChanged (sa{sv}as) on unit paths, found $changed"
[ "$unit_new" -eq 1 ] || fail "expected 1 UnitNew (so) on /org/freedesktop/systemd1, found $unit_new"
[ "$mark" -eq 2 ] || fail "expected 2 PropertiesChanged on .../unit/home_2dmark_2emount, found $mark"
[ "$units" -eq 32 ] || fail "expected 32 unit paths with 2 PropertiesChanged each, found $units"

# Every frame dissects cleanly: no malformed packet, no expert information of any severity.
tshark -r "$dir/t.pcap" -Y '_ws.malformed || _ws.expert' -T fields -e frame.number >"$dir/bad.txt" 2>>"$dir/tshark.err" ||
  fail "tshark -Y failed"
[ ! -s "$dir/bad.txt" ] || fail "frames with expert information: $(tr '\n' ' ' <"$dir/bad.txt")"

echo "ok: tshark lists $from_systemd messages from :1.0: $changed PropertiesChanged on $units unit paths, $unit_new UnitNew"
