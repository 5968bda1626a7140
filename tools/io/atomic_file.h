// Writing output files so that a reader never sees half a file: the text goes to a temporary
// file in the same directory, is flushed to disk, and is renamed over the destination.
#ifndef MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_
#define MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_

#include <string>

namespace mountstorm {

// Writes `contents` to `path` atomically. Returns false and sets *error on failure.
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// The steps of WriteFileAtomically, for a writer that streams into the temporary file (the pcap
// trace): CreateTempBeside makes PATH.tmp.XXXXXX and returns its descriptor (-1 and *error on
// failure); SyncTemp gives it the mode open() would give PATH (0666 less the umask) and flushes it
// to disk; RenameTemp renames it over PATH. Each sets *error naming PATH on failure; RenameTemp
// then removes the temporary.
int CreateTempBeside(const std::string& path, std::string* temp, std::string* error);
bool SyncTemp(int fd, const std::string& path, std::string* error);
bool RenameTemp(const std::string& temp, const std::string& path, std::string* error);

// Creates `dir` and its parents if needed. Returns false and sets *error on failure.
bool MakeDirectories(const std::string& dir, std::string* error);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_ATOMIC_FILE_H_
