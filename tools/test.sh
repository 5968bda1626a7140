#!/usr/bin/env bash
# Builds mountstorm and runs the whole test suite (README.md, command 2; CI runs it too).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
