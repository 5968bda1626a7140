// Writing output files so that a reader never sees half a file: the text goes to a temporary
// file in the same directory (PATH.tmp.HOST.PID.XXXXXX), is flushed to disk, and is renamed over the
// destination; then the directory is flushed, so that the rename itself survives a crash.
// Temporaries are removed when a write fails, when the program is stopped by SIGINT, SIGTERM or
// SIGHUP (InstallTempCleanup), and, after a SIGKILL or a crash, by the next command that writes
// into the same directory (RemoveStaleTemps: those whose process is gone).
#ifndef MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_
#define MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_

#include <string>

namespace mountstorm {

// Writes `contents` to `path` atomically. Returns false and sets *error on failure.
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// The steps of WriteFileAtomically, for a writer that streams into the temporary file (the pcap
// trace): CreateTempBeside makes PATH.tmp.HOST.PID.XXXXXX and returns its descriptor (-1 and *error on
// failure); SyncTemp gives it the mode open() would give PATH (0666 less the umask) and flushes it
// to disk; RenameTemp renames it over PATH and flushes PATH's directory. Each sets *error naming
// PATH on failure; RenameTemp then removes the temporary.
int CreateTempBeside(const std::string& path, std::string* temp, std::string* error);
bool SyncTemp(int fd, const std::string& path, std::string* error);
bool RenameTemp(const std::string& temp, const std::string& path, std::string* error);

// Removes the temporary files in `dir` that a mountstorm process left behind when it was killed
// (PATH.tmp.HOST.PID.XXXXXX of this host whose PID is no longer running). Returns how many.
int RemoveStaleTemps(const std::string& dir);

// Removes a temporary made by CreateTempBeside (after a failure) and forgets it.
void DiscardTemp(const std::string& temp);

// Flushes the directory `dir` itself (its entries) to disk. False and *error on failure.
bool SyncDirectory(const std::string& dir, std::string* error);

// Installs handlers of SIGINT, SIGTERM and SIGHUP that remove every temporary file still being
// written, then end the program by the same signal. Called once, by main().
void InstallTempCleanup();

// Creates `dir` and its parents if needed. Returns false and sets *error on failure.
bool MakeDirectories(const std::string& dir, std::string* error);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_
