#!/usr/bin/env bash
# Installs the Debian 12 packages mountstorm needs to build and test (README.md, command 1).
#
# Besides the build dependencies it installs what the scale-out tests use (tests/slurm/):
# slurm-wlm and munge for a real single-node Slurm cluster, GNU parallel, and iproute2 (ss); and
# systemd for systemd-escape, against which tests/mountinfo_test.cc checks unit names; and tshark,
# which reads the pcap traces of `mountstorm run --trace` in tests/trace/tshark_test.sh; and
# librsvg2-bin (rsvg-convert) and chromium, with which tests/render/render_test.sh renders the SVG
# plots and the HTML report of `mountstorm plot` and `mountstorm report`.
# Their package scripts would try to start slurmctld, slurmd and munged as system services; a
# policy-rc.d that answers 101 ("action forbidden") keeps them from doing so while apt-get runs,
# and whatever policy-rc.d was there before is put back afterwards. The tests start their own
# daemons in a temporary directory and use neither /etc/munge nor /etc/slurm.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

POLICY=/usr/sbin/policy-rc.d
backup=""
had_policy=0
restore_policy() {
  if [ "$had_policy" = 1 ]; then
    $SUDO cp -p "$backup" "$POLICY"
  else
    $SUDO rm -f "$POLICY"
  fi
  if [ -n "$backup" ]; then rm -f "$backup"; fi
}
if [ -e "$POLICY" ]; then
  had_policy=1
  backup=$(mktemp)
  $SUDO cp -p "$POLICY" "$backup"
fi
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
$SUDO chmod 755 "$POLICY"

# tshark (tests/trace/tshark_test.sh reads `mountstorm run --trace` files with it) asks whether
# non-root users may capture packets; answer no beforehand so that nothing prompts.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections

$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ make \
  libboost-dev libboost-graph-dev libboost-program-options-dev libpcap-dev libdbus-1-dev pkg-config \
  nlohmann-json3-dev catch2 libeigen3-dev \
  slurm-wlm munge parallel iproute2 procps coreutils systemd tshark librsvg2-bin chromium >/dev/null
