// The temporary files being written at this moment, known to a signal handler: a fixed table of
// paths that CreateTempBeside fills and RenameTemp / DiscardTemp empty (io/atomic_file.h), read
// by the handlers of InstallTempCleanup with nothing but async-signal-safe calls.
#ifndef MOUNTSTORM_TOOLS_IO_TEMP_FILES_H_
#define MOUNTSTORM_TOOLS_IO_TEMP_FILES_H_

#include <string>

namespace mountstorm {

// Remembers `temp` until ForgetTemp(temp). When the table is full (more temporaries at once than
// it holds) the file is not remembered: a signal leaves it, and the next run removes it as stale.
void RememberTemp(const std::string& temp);
void ForgetTemp(const std::string& temp);

// Whether `name` (a file name, no directory) is a temporary PATH.tmp.PID.XXXXXX of a process that
// is no longer running.
bool IsStaleTempName(const std::string& name);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_TEMP_FILES_H_
