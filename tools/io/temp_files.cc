#include "io/temp_files.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <signal.h>
#include <unistd.h>

#include "io/atomic_file.h"

namespace mountstorm {
namespace {

// A slot of the table: free, being filled (not yet safe to read) or holding a live path.
enum SlotState : int { kFree = 0, kFilling = 1, kLive = 2 };
constexpr int kSlots = 256;
constexpr std::size_t kPathMax = 4096;

struct TempSlot {
  std::atomic<int> state{kFree};
  char path[kPathMax];
};
TempSlot g_slots[kSlots];

void RemoveLiveTemps() {
  for (TempSlot& slot : g_slots) {
    if (slot.state.load() == kLive) unlink(slot.path);
  }
}

extern "C" void OnStopSignal(int sig) {
  const int saved = errno;
  RemoveLiveTemps();
  signal(sig, SIG_DFL);
  raise(sig);
  errno = saved;
}

}  // namespace

void RememberTemp(const std::string& temp) {
  if (temp.size() >= kPathMax) return;
  for (TempSlot& slot : g_slots) {
    int expected = kFree;
    if (slot.state.compare_exchange_strong(expected, kFilling)) {
      std::memcpy(slot.path, temp.c_str(), temp.size() + 1);
      slot.state.store(kLive);
      return;
    }
  }
}

void ForgetTemp(const std::string& temp) {
  for (TempSlot& slot : g_slots) {
    if (slot.state.load() == kLive && temp == slot.path) {
      slot.state.store(kFree);
      return;
    }
  }
}

const std::string& TempHostTag() {
  static const std::string tag = [] {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::string out;
    for (const char* c = host; *c != '\0' && out.size() < 63; ++c) {
      const bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
      out += keep ? *c : '-';
    }
    return out.empty() ? std::string("host") : out;
  }();
  return tag;
}

bool IsStaleTempName(const std::string& name) {
  // NAME.tmp.HOST.PID.XXXXXX: mkstemp's six characters after the last dot, the PID before them,
  // this host's tag before that (or nothing: NAME.tmp.PID.XXXXXX of earlier versions).
  const std::size_t last = name.rfind('.');
  if (last == std::string::npos || name.size() - last - 1 != 6 || last == 0) return false;
  const std::size_t before = name.rfind('.', last - 1);
  if (before == std::string::npos || before < 4) return false;
  if (name.compare(before - 4, 4, ".tmp") != 0) {
    const std::string& host = TempHostTag();
    if (before < host.size() + 5 || name.compare(before - host.size() - 5, host.size() + 5, ".tmp." + host) != 0) {
      return false;  // not a temporary, or another host's
    }
  }
  const std::string pid = name.substr(before + 1, last - before - 1);
  if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) return false;
  const pid_t p = static_cast<pid_t>(std::stol(pid));
  if (p == getpid()) return false;
  return kill(p, 0) != 0 && errno == ESRCH;
}

void InstallTempCleanup() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

}  // namespace mountstorm
