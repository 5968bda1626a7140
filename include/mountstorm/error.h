// The two kinds of failure a run can end with.
//
// InputError: the user's input is wrong (a scenario file, a --set override, a command-line flag).
// Its message names the file, the JSON path, what was expected and what was found. The program
// exits with status 2.
//
// InternalError: an invariant of the simulator is broken: a bug. The program exits with status 1.
//
// Model outcomes such as ENOBUFS or a dropped message are neither: they are counted and reported.
#ifndef MOUNTSTORM_INCLUDE_ERROR_H_
#define MOUNTSTORM_INCLUDE_ERROR_H_

#include <stdexcept>
#include <string>

namespace mountstorm {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& message) : std::logic_error(message) {}
};

// Throws InternalError with `what` unless `condition` holds. For invariants, not for input.
inline void Check(bool condition, const char* what) {
  if (!condition) throw InternalError(std::string("internal error: ") + what);
}

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_ERROR_H_
