// Progress: one line on stderr, redrawn in place while a long command works ("[size] 12 runs,
// 4.1 s"), for a person at a terminal. It never goes into a result file or stdout, and it is off
// when stderr is not a terminal (a pipe, a log file, CI), so that scripts see nothing of it.
#ifndef MOUNTSTORM_TOOLS_IO_PROGRESS_H_
#define MOUNTSTORM_TOOLS_IO_PROGRESS_H_

#include <chrono>
#include <mutex>
#include <string>

namespace mountstorm {

class Progress {
 public:
  // `label` names the command. Draws only if `wanted` and stderr is a terminal.
  Progress(std::string label, bool wanted);
  // Calls Done().
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Shows `what` and the time since the start. Safe from several threads; redraws at most ten
  // times a second.
  void Update(const std::string& what);
  // Clears the line and draws no more: call it before printing results.
  void Done();

 private:
  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_PROGRESS_H_
