#!/usr/bin/env bash
# Builds mountstorm and runs the whole test suite (README.md, command 2; CI runs it too).
#
# usage: tools/test.sh [--sanitize] [--testbed [--storms NAME,...]] [--exactness N]
#
#   --sanitize  builds the whole suite with AddressSanitizer and UndefinedBehaviorSanitizer in
#               build-asan/ (RelWithDebInfo, -DMOUNTSTORM_SANITIZE=ON) and runs ctest there instead
#               of in build/: any leak, bad access or undefined behaviour fails the test it is in
#               (docs/FUZZING.md, "Sanitizers over the whole suite").
#   --testbed   then also checks the model against a real systemd on this machine (root; about 80
#               minutes): runs the storms of tools/testbed/table.csv in throw-away systemd-nspawn
#               containers (tools/testbed/README.md), writes them to out/testbed/ (kept, so that a
#               second run only runs what is missing), and prints `mountstorm testbed-check` on
#               them: captured and simulated side by side. Fails if a storm is out of tolerance.
#   --storms    only these rows of the table (e.g. 252-n100,252-n500-p50: a few minutes).
#   --exactness N
#               then also runs N more generated scenarios in both engines (the train engine's
#               exactness test, tests/engine_exactness_test.cc, from another seed than the 220 of
#               the suite), split over the CPUs: 2 to 3 minutes per 20,000 on two CPUs.
#
# exit status: 0 all passed, 1 a test failed, 2 bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

testbed=0
sanitize=0
storms=""
exactness=0
while (($#)); do
  case "$1" in
    --testbed) testbed=1; shift ;;
    --sanitize) sanitize=1; shift ;;
    --storms)
      if (($# < 2)); then echo "tools/test.sh: --storms: expected a comma-separated list of storms" >&2; exit 2; fi
      storms=$2; shift 2 ;;
    --exactness)
      if (($# < 2)) || ! [[ "$2" =~ ^[1-9][0-9]{0,6}$ ]]; then
        echo "tools/test.sh: --exactness: expected a number of scenarios from 1 to 9999999, found '${2-}'" >&2
        exit 2
      fi
      exactness=$2; shift 2 ;;
    -h | --help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "tools/test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$sanitize" = 1 ] && [ "$testbed" = 1 ]; then
  echo "tools/test.sh: --sanitize and --testbed are separate runs; give one of them" >&2
  exit 2
fi
if [ "$sanitize" = 1 ] && [ "$exactness" -gt 0 ]; then
  echo "tools/test.sh: --sanitize and --exactness are separate runs; give one of them" >&2
  exit 2
fi
if [ -n "$storms" ] && [ "$testbed" = 0 ]; then
  echo "tools/test.sh: --storms needs --testbed" >&2
  exit 2
fi
if [ "$testbed" = 1 ] && [ "$(id -u)" -ne 0 ]; then
  echo "tools/test.sh: --testbed boots containers and needs root" >&2
  exit 2
fi

if [ "$sanitize" = 1 ]; then
  # Leaks are reported at exit as failures. (ASan reserves terabytes of address space, so the
  # bad-input tests drop their 2 GB limit in this build and keep their CPU-time limit.)
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOUNTSTORM_SANITIZE=ON
  cmake --build build-asan -j"$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
  exit 0
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

if [ "$exactness" -gt 0 ]; then
  # Scenarios [from, to) of the sequence in each part, all parts at once; any failure fails.
  parts=$(nproc)
  pids=()
  for ((p = 0; p < parts; p++)); do
    MOUNTSTORM_EXACTNESS_FROM=$((exactness * p / parts)) MOUNTSTORM_EXACTNESS_TO=$((exactness * (p + 1) / parts)) \
      build/tests/mountstorm_tests "[exactness]" &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  if [ "$status" != 0 ]; then
    echo "tools/test.sh: --exactness: a generated scenario differs between the engines (above)" >&2
    exit 1
  fi
  echo "tools/test.sh: --exactness: $exactness more generated scenarios gave the same files in both engines"
fi

if [ "$testbed" = 1 ]; then
  mkdir -p out/testbed
  tools/testbed/run-table.sh ${storms:+--only "$storms"} tools/testbed/table.csv out/testbed
  python3 tools/testbed/storms-csv.py --scenario 252="$PWD/scenarios/testbed/debian12-container.json" \
    --scenario 257="$PWD/scenarios/testbed/debian13-container.json" out/testbed >out/testbed/storms.csv
  build/mountstorm testbed-check out/testbed/storms.csv
fi
