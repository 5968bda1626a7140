#!/usr/bin/env bash
# `mountstorm replay` on what is not a readable capture of D-Bus messages: exit status 2 (bad
# input), never 0, 1 (internal error) or a signal; exactly one line on stderr, "mountstorm: FILE:
# ..." saying what is wrong; nothing on stdout, with or without --json. The cases: a pcapng and a
# pcap cut inside the file header and inside a record, an empty file, a text file, a JSON file, a
# missing file, a directory, a pcap of another link type (Ethernet), a pcap of link type 231 whose
# record is garbage, is empty, or is shorter or longer than the message in it, a record cut by the
# snapshot length, and a pcap and a pcapng with no record at all.
#
# Usage: bad_captures_test.sh MOUNTSTORM_BINARY SOURCE_DIR
set -euo pipefail
prog=$1
src=$2

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

# Little-endian integers, as raw bytes on stdout (the format is built from \xHH escapes on purpose).
# shellcheck disable=SC2059
le16() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $((($1 >> 16) & 65535)); }
# A pcap file header (version 2.4, microseconds, snapshot length 65535) of link type $1.
pcap_header() { le32 $((0xa1b2c3d4)); le16 2; le16 4; le32 0; le32 0; le32 65535; le32 "$1"; }
# A pcap record header at 1 s for a record of $1 bytes captured of $2 (default $1).
record_header() { le32 1; le32 0; le32 "$1"; le32 "${2:-$1}"; }

pcapng=$src/tests/replay/252-n1.pcapng
[ -s "$pcapng" ] || fail "missing $pcapng"
"$prog" run "$src/scenarios/incident-single-mount.json" -o "$dir/out" --trace "$dir/trace.pcap" -q ||
  fail "mountstorm run --trace exited $?"
"$prog" replay "$dir/trace.pcap" >/dev/null || fail "mountstorm replay of the trace itself exited $?"
"$prog" replay "$pcapng" >/dev/null || fail "mountstorm replay of $pcapng itself exited $?"
size=$(stat -c %s "$pcapng")
shb=$(od -An -tu4 -j4 -N4 "$pcapng" | tr -d ' ')              # the section header block's length
idb=$(od -An -tu4 -j$((shb + 4)) -N4 "$pcapng" | tr -d ' ')   # then the interface description's
first=$(od -An -tu4 -j32 -N4 "$dir/trace.pcap" | tr -d ' ')    # the first record's length in the trace

mkdir "$dir/in"
(
  cd "$dir/in"
  head -c 20 "$pcapng" >pcapng-cut-in-header.pcapng
  head -c $((size - 5)) "$pcapng" >pcapng-cut-in-record.pcapng
  head -c $((shb + idb)) "$pcapng" >pcapng-no-record.pcapng
  head -c 12 "$dir/trace.pcap" >pcap-cut-in-header.pcap
  head -c $((24 + 16 + first / 2)) "$dir/trace.pcap" >pcap-cut-in-record.pcap
  head -c 24 "$dir/trace.pcap" >pcap-no-record.pcap
  : >empty.pcap
  printf 'mountstorm replay reads captures, not text.\n' >text.pcap
  cp "$src/scenarios/incident-single-mount.json" scenario.json
  mkdir directory.pcap
  { pcap_header 1; record_header 14; printf 'ABCDEFGHIJKLMN'; } >ethernet.pcap
  { pcap_header 231; record_header 16; printf 'not D-Bus at all'; } >dbus-garbage.pcap
  { pcap_header 231; record_header 0; } >dbus-empty-record.pcap
  { pcap_header 231; record_header 100; head -c 140 "$dir/trace.pcap" | tail -c 100; } >dbus-record-shorter-than-message.pcap
  { pcap_header 231; record_header $((first + 8)); head -c $((40 + first)) "$dir/trace.pcap" | tail -c "$first"; le32 0; le32 0; } \
    >dbus-record-longer-than-message.pcap
  { pcap_header 231; record_header 100 200; head -c 140 "$dir/trace.pcap" | tail -c 100; } >dbus-snapshot-too-short.pcap
)

# file, then what its message must say (a fixed string, case ignored)
cases=(
  pcapng-cut-in-header.pcapng "truncated"
  pcapng-cut-in-record.pcapng "is the file cut short"
  pcapng-no-record.pcapng "no D-Bus messages"
  pcap-cut-in-header.pcap "truncated"
  pcap-cut-in-record.pcap "is the file cut short"
  pcap-no-record.pcap "no D-Bus messages"
  empty.pcap "not a pcap or pcapng capture"
  text.pcap "not a pcap or pcapng capture"
  scenario.json "not a pcap or pcapng capture"
  missing.pcap "no such file"
  directory.pcap "a directory"
  ethernet.pcap "link type 1,"
  dbus-garbage.pcap "record 1: not a D-Bus message"
  dbus-empty-record.pcap "record 1: not a D-Bus message (a record of 0 bytes, shorter than a message header)"
  dbus-record-shorter-than-message.pcap "record 1: not a D-Bus message (a record of 100 bytes for a message of $first bytes)"
  dbus-record-longer-than-message.pcap "record 1: not a D-Bus message (a record of $((first + 8)) bytes for a message of $first bytes)"
  dbus-snapshot-too-short.pcap "snapshot length"
)

checked=0
for ((i = 0; i < ${#cases[@]}; i += 2)); do
  file=${cases[i]}
  says=${cases[i + 1]}
  for json in "" --json; do
    what="mountstorm replay $file $json"
    status=0
    "$prog" replay "$dir/in/$file" $json >"$dir/stdout" 2>"$dir/stderr" || status=$?
    [ "$status" -le 128 ] || fail "$what: killed by signal $((status - 128)) (a crash)"
    [ "$status" -eq 2 ] || fail "$what: exit status $status, expected 2; stderr: $(cat "$dir/stderr")"
    [ ! -s "$dir/stdout" ] || fail "$what: printed on stdout: $(head -c 300 "$dir/stdout")"
    [ "$(wc -l <"$dir/stderr")" -eq 1 ] || fail "$what: expected one line on stderr, got: $(cat "$dir/stderr")"
    message=$(cat "$dir/stderr")
    case $message in
      "mountstorm: $dir/in/$file: "*) ;;
      *) fail "$what: the message does not start with 'mountstorm: FILE: ': $message" ;;
    esac
    grep -qiF -- "$says" "$dir/stderr" || fail "$what: the message does not say '$says': $message"
    checked=$((checked + 1))
  done
  echo "ok: ${message#"mountstorm: $dir/in/"}"
done
echo "ok: $checked runs of mountstorm replay on bad captures: exit 2, one line on stderr, nothing on stdout"
