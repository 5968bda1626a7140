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

// This host's name as it goes into a temporary's name: letters, digits and '-' of gethostname()
// (others become '-'), at most 63 of them, "host" if there is none. Output directories may be
// shared between hosts (a sweep's shards on a cluster's file system), where a PID alone does not
// say whose a temporary is.
const std::string& TempHostTag();

// Whether `name` (a file name, no directory) is a temporary PATH.tmp.HOST.PID.XXXXXX of a process
// on this host that is no longer running. A temporary of another host is never stale here (its
// PID means nothing on this one); PATH.tmp.PID.XXXXXX, the form of earlier versions, counts as
// this host's.
bool IsStaleTempName(const std::string& name);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_TEMP_FILES_H_
