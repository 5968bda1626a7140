// Writing output files so that a reader never sees half a file: the text goes to a temporary
// file in the same directory, is flushed to disk, and is renamed over the destination.
#ifndef MOUNTSTORM_TOOLS_ATOMIC_FILE_H_
#define MOUNTSTORM_TOOLS_ATOMIC_FILE_H_

#include <string>

namespace mountstorm {

// Writes `contents` to `path` atomically. Returns false and sets *error on failure.
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// Creates `dir` and its parents if needed. Returns false and sets *error on failure.
bool MakeDirectories(const std::string& dir, std::string* error);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_ATOMIC_FILE_H_
