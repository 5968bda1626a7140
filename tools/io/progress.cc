// A progress line on stderr (io/progress.h).
#include "io/progress.h"

#include <unistd.h>

#include <cstdio>

namespace mountstorm {

Progress::Progress(std::string label, bool wanted)
    : label_(std::move(label)),
      enabled_(wanted && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Done(); }

void Progress::Done() {
  std::lock_guard<std::mutex> lock(mutex_);
  enabled_ = false;
  if (!drawn_) return;
  drawn_ = false;
  std::fputs("\r\033[K", stderr);  // carriage return, then erase the line
  std::fflush(stderr);
}

void Progress::Update(const std::string& what) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r\033[K[%s] %s, %.1f s", label_.c_str(), what.c_str(), seconds);
  std::fflush(stderr);
}

}  // namespace mountstorm
