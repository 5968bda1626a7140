// mountinfo_bench: how long reading a mount table of N lines takes (issue 16: a table of 10^6
// entries in under 2 s). Makes the text of N lines of /proc/self/mountinfo (NFS mounts with long
// options, every tenth with an escaped space in its path), then times, each --reps times:
//   parse     ParseMountinfo() on the text in memory;
//   scenario  a scenario whose mount_table/mountinfo_file is that table, read as `mountstorm run
//             --mountinfo` reads it (ReadInputFile, parse, the scenario's initial mounts). The table
//             is written to a temporary file first, removed at the end.
// Prints the median, minimum and maximum seconds of each. Not a test: nothing is asserted.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "models/io/mountinfo_file.h"
#include "mountstorm/scenario.h"

namespace {

using mountstorm::bench::ArgReader;

[[noreturn]] void Usage(const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "mountinfo_bench: %s\n", error.c_str());
  std::fprintf(stderr, "usage: mountinfo_bench [--lines N (default 1000000)] [--reps R (default 3)]\n");
  std::exit(error.empty() ? 0 : 2);
}

std::string MountTable(long lines) {
  std::string text;
  text.reserve(static_cast<std::size_t>(lines) * 200);
  text += "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  for (long i = 1; i < lines; ++i) {
    const std::string n = std::to_string(i);
    text += std::to_string(100 + i) + " 22 0:" + std::to_string(50 + i % 1000) + " / /srv/nfs/" +
            (i % 10 == 0 ? "home\\040dir" : "home") + n + " rw,relatime shared:" + n +
            " - nfs4 nfs01:/export/home" + n +
            " rw,vers=4.1,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys\n";
  }
  return text;
}

template <typename F>
std::vector<double> Time(int reps, F f) {
  std::vector<double> s;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return s;
}

void Print(const char* what, std::vector<double> s, long lines) {
  const double median = mountstorm::bench::Median(s);
  std::printf("%-9s %ld lines: median %.3f s (min %.3f, max %.3f), %.0f lines/s\n", what, lines, median,
              *std::min_element(s.begin(), s.end()), *std::max_element(s.begin(), s.end()), lines / median);
}

}  // namespace

int main(int argc, char** argv) {
  long lines = 1000000;
  int reps = 3;
  for (ArgReader a(argc, argv, Usage); a.Next();) {
    if (a.arg() == "--lines") {
      lines = std::atol(a.Value().c_str());
    } else if (a.arg() == "--reps") {
      reps = std::atoi(a.Value().c_str());
    } else if (a.arg() == "--help" || a.arg() == "-h") {
      Usage("");
    } else {
      Usage("unknown argument " + a.arg());
    }
  }
  if (lines < 1 || reps < 1) Usage("--lines and --reps must be positive");
  if (!mountstorm::bench::kOptimized) std::printf("(not an optimized build: these figures mean little)\n");
  const std::string text = MountTable(lines);
  std::printf("mount table: %ld lines, %.1f MB\n", lines, text.size() / 1e6);
  std::size_t parsed = 0;
  Print("parse", Time(reps, [&] { parsed = mountstorm::ParseMountinfo(text, "table").size(); }), lines);
  const std::string file = "/tmp/mountinfo_bench." + std::to_string(getpid());
  std::ofstream(file, std::ios::binary) << text;
  const std::string scenario = file + ".json";
  std::ofstream(scenario) << "{\"mount_table\": {\"mountinfo_file\": \"" << file << "\"}}\n";
  std::size_t mounts = 0;
  Print("scenario", Time(reps, [&] { mounts = mountstorm::InitialMountCount(mountstorm::LoadScenarioFile(scenario)); }), lines);
  std::remove(file.c_str());
  std::remove(scenario.c_str());
  std::printf("(%zu lines parsed, %zu initial mounts)\n", parsed, mounts);
  return parsed == static_cast<std::size_t>(lines) ? 0 : 1;
}
