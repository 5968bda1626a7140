// mountstorm: the command-line program. One table of commands (cli/commands.cc); this file
// dispatches to them and turns their errors into exit statuses.
//
// Exit status: 0 on success, 2 on bad input (a scenario, an override, a flag), 1 on an internal
// error. Errors go to stderr as "mountstorm: ..."; results to stdout and to files written
// atomically.
#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/atomic_file.h"
#include "io/manifest.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"

namespace mountstorm {
namespace {

const int kSynopsisWidth = 27;  // the column where a command's summary starts

// A command that runs many simulations in one process (a sweep, a planner's search) frees and
// allocates the same large buffers for every run: rings, recorder columns, event lists. By
// default glibc serves blocks above 128 KiB with mmap() and gives freed memory at the top of
// the heap back to the kernel (mallopt(3): M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), so every run
// faults its pages in again and the kernel zeroes them. Kept, the next run reuses them: the
// 144 runs of scenarios/sweeps/queue-limit-vs-storm.json took 0.76-0.81 of the time (bench/README.md).
// A single run gains nothing and would keep more memory (the old buffers of a vector that grew),
// so `run` keeps glibc's defaults.
void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest: blocks up to 32 MiB from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // give memory back only above 1 GiB free at the top
}

std::string Usage() {
  std::string u =
      "usage: mountstorm <command> [options]\n"
      "\n"
      "A deterministic discrete-event simulator of the Linux message pipeline\n"
      "  kernel mount table -> systemd (PID 1) -> sd-bus -> dbus-daemon -> systemd-logind\n"
      "for studying mount storms: how many D-Bus messages a burst of mounts produces, which\n"
      "queue fills, and when sends fail with ENOBUFS.\n"
      "\n"
      "commands:\n";
  for (const Command& c : Commands()) {
    std::string left = std::string(c.name) + (*c.synopsis ? " " : "") + c.synopsis;
    if (left.size() + 1 > kSynopsisWidth) {
      u += "  " + left + "\n" + std::string(kSynopsisWidth + 2, ' ') + c.summary + "\n";
    } else {
      u += "  " + left + std::string(kSynopsisWidth - left.size(), ' ') + c.summary + "\n";
    }
  }
  return u +
         "\n"
         "options:\n"
         "  -h, --help                 show this help (also: mountstorm <command> --help)\n"
         "  --version                  print the version\n"
         "\n"
         "exit status: 0 success, 1 internal error, 2 bad input (testbed-check: 3, a storm out of\n"
         "tolerance).\n"
         "docs: README.md, docs/SCENARIOS.md (format), docs/MODEL.md (parameters and sources).\n";
}

int Main(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "mountstorm: expected a command, found none\n\n" << Usage();
    return kExitInput;
  }
  const std::string& command = args[0];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << Usage();
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << "mountstorm " << Version() << "\n";
    return kExitOk;
  }
  for (const Command& c : Commands()) {
    if (command != c.name) continue;
    if (c.runs == Runs::kMany) KeepFreedMemory();
    return c.run(CommandArgs(args.begin() + 1, args.end()));
  }
  throw InputError("unknown command \"" + command + "\" (see mountstorm --help)");
}

// Results on stdout are output too: if they could not be written (a full disk, a closed pipe),
// exiting 0 would claim a success that did not happen. Treated like an output file that cannot be
// written.
int CheckStdout(int status) {
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
    std::cerr << "mountstorm: cannot write the results to standard output\n";
    return status == kExitOk ? kExitInput : status;
  }
  return status;
}

}  // namespace
}  // namespace mountstorm

int main(int argc, char** argv) {
  int status;
  mountstorm::SetCommandLine(argc, argv);
  mountstorm::InstallTempCleanup();
  try {
    status = mountstorm::Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const mountstorm::InputError& e) {
    std::cerr << "mountstorm: " << e.what() << "\n";
    status = mountstorm::kExitInput;
  } catch (const mountstorm::InternalError& e) {  // its message starts with "internal error: "
    std::cerr << "mountstorm: " << e.what() << " (a bug in mountstorm: please report it)\n";
    status = mountstorm::kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "mountstorm: internal error: " << e.what() << " (a bug in mountstorm: please report it)\n";
    status = mountstorm::kExitInternal;
  } catch (...) {
    std::cerr << "mountstorm: internal error: an unknown exception (a bug in mountstorm: please report it)\n";
    status = mountstorm::kExitInternal;
  }
  return mountstorm::CheckStdout(status);
}
