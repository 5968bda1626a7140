#!/usr/bin/env bash
# `mountstorm replay --json` counts what tshark (Debian's Wireshark) dissects in the same capture:
# the number of messages, and the messages by type, sender, member and changed interface (the
# first argument of PropertiesChanged), and the number of distinct units (PropertiesChanged's path,
# UnitNew's and UnitRemoved's object path), for every capture of a real systemd committed in
# tests/replay/ (pcapng, as busctl capture writes it) and for the pcap trace of a shipped scenario
# (`mountstorm run --trace`, link type 231). Any difference fails with a diff of the two.
#
# Usage: replay_tshark_test.sh MOUNTSTORM_BINARY SOURCE_DIR
# Exits 77 (skipped) when tshark is missing and cannot be installed (not root, or apt fails), or
# when python3 (which reads the JSON of mountstorm replay) is missing.
set -euo pipefail
prog=$1
src=$2

. "$(dirname "$0")/../trace/need_tshark.sh"
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: python3 is not installed"
  exit 77
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export HOME="$dir"  # tshark may create ~/.config/wireshark; keep it out of the real home

fail() {
  echo "FAIL: $*"
  exit 1
}

# "what<TAB>key<TAB>count" lines, sorted, in $2, from tshark's fields of capture $1. A message without a member (a
# method return, an error) or without a sender counts as mountstorm replay counts it: no member,
# sender "(none)". The changed interface is the first string of a PropertiesChanged body (sa{sv}as).
tshark_counts() {
  local status=0
  tshark -n -r "$1" -T fields -E separator=/t -E occurrence=f \
    -e dbus.message_type -e dbus.sender -e dbus.member -e dbus.interface -e dbus.path -e dbus.signature \
    -e dbus.type.string -e dbus.type.object_path >"$dir/fields.tsv" 2>"$dir/tshark.err" || status=$?
  [ "$status" -eq 0 ] || { cat "$dir/tshark.err"; fail "tshark -r $1 exited $status"; }
  awk -F'\t' '
    BEGIN { name[1] = "method_call"; name[2] = "method_return"; name[3] = "error"; name[4] = "signal" }
    {
      n++
      by["by_type\t" ($1 in name ? name[$1] : "unknown type " $1)]++
      by["by_sender\t" ($2 == "" ? "(none)" : $2)]++
      if ($3 != "") by["by_member\t" $3]++
      if ($3 == "PropertiesChanged" && $4 == "org.freedesktop.DBus.Properties") {
        if ($6 ~ /^s/ && $7 != "") by["by_changed_interface\t" $7]++
        if ($5 != "") unit[$5] = 1
      }
      if (($3 == "UnitNew" || $3 == "UnitRemoved") && $8 != "") unit[$8] = 1
    }
    END {
      print "messages\t\t" n + 0
      for (k in unit) units++
      print "units\t\t" units + 0
      for (k in by) print k "\t" by[k]
    }' "$dir/fields.tsv" | LC_ALL=C sort >"$2"
}

# The same lines in $2 from mountstorm replay --json of capture $1.
replay_counts() {
  local status=0
  "$prog" replay "$1" --json >"$dir/replay.json" 2>"$dir/replay.err" || status=$?
  [ "$status" -eq 0 ] || { cat "$dir/replay.err"; fail "mountstorm replay $1 exited $status"; }
  python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["captured"]
print("messages\t\t%d" % c["messages"])
print("units\t\t%d" % c["units"])
for what in ("by_type", "by_sender", "by_member", "by_changed_interface"):
    for k, v in c[what].items():
        print("%s\t%s\t%d" % (what, k, v))
' "$dir/replay.json" | LC_ALL=C sort >"$2"
}

# Compares the two on one capture; $2 names it in the report.
compare() {
  tshark_counts "$1" "$dir/tshark.txt"
  replay_counts "$1" "$dir/replay.txt"
  [ "$(awk -F'\t' '$1 == "messages" { print $3 }' "$dir/tshark.txt")" -gt 0 ] || fail "$2: tshark finds no message"
  if ! diff -u --label "tshark $2" --label "mountstorm replay $2" "$dir/tshark.txt" "$dir/replay.txt" >"$dir/diff.txt"; then
    cat "$dir/diff.txt"
    fail "$2: mountstorm replay and tshark count differently (lines: what, key, count)"
  fi
  echo "ok: $2: $(awk -F'\t' '$1 == "messages" { m = $3 } $1 == "by_member" { k++ } END { print m " messages, " k " members" }' "$dir/tshark.txt") counted alike"
}

shopt -s nullglob
captures=("$src"/tests/replay/*.pcapng)
[ "${#captures[@]}" -ge 3 ] || fail "expected the committed captures in $src/tests/replay/, found ${#captures[@]}"
for f in "${captures[@]}"; do
  compare "$f" "tests/replay/$(basename "$f")"
done

# The simulator's own trace: a pcap with link type 231.
"$prog" run "$src/scenarios/incident-single-mount.json" -o "$dir/out" --trace "$dir/t.pcap" -q ||
  fail "mountstorm run --trace exited $?"
compare "$dir/t.pcap" "the trace of scenarios/incident-single-mount.json"
