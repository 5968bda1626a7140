#!/usr/bin/env bash
# Installs the Debian 12 packages mountstorm needs to build and test (README.md, command 1).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ make \
  libboost-dev libboost-graph-dev libboost-program-options-dev \
  nlohmann-json3-dev catch2 libeigen3-dev
