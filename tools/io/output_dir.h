// Where a command writes: output paths checked before any work, and output directories written
// as a set.
//
// CheckOutputFile / CheckOutputDirectory refuse (InputError, exit 2), before the command does its
// work, a path that cannot be written: an existing file where a directory is wanted or the other
// way round, a parent that is a file, a directory that is not writable.
//
// OutputDir writes a directory's files as a set: each file atomically (io/atomic_file.h); the
// first write removes a manifest.json left by an earlier command, so that the directory reads as
// unfinished while it is rewritten; Commit() writes manifest.json last (io/manifest.h). If the
// command fails before Commit(), the destructor removes what it wrote and the directories it
// made: a failed command leaves nothing behind.
#ifndef MOUNTSTORM_TOOLS_IO_OUTPUT_DIR_H_
#define MOUNTSTORM_TOOLS_IO_OUTPUT_DIR_H_

#include <string>
#include <vector>

#include "io/manifest.h"

namespace mountstorm {

// `what` names the option in messages, e.g. "-o".
void CheckOutputFile(const std::string& path, const std::string& what);
void CheckOutputDirectory(const std::string& dir, const std::string& what);

// Writes one output file: `path` atomically (its directory made if needed, stale temporaries
// beside it removed), or standard output when `path` is "-". Throws InputError on failure.
void WriteOutputFile(const std::string& path, const std::string& text);

class OutputDir {
 public:
  // Checks `dir` (CheckOutputDirectory); creates nothing yet.
  OutputDir(std::string dir, const std::string& what);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes DIR/NAME atomically and lists it in the manifest. Throws InputError on failure.
  void Add(const std::string& name, const std::string& contents);
  // Lists DIR/NAME, written by other code after Open(), in the manifest.
  void AddWritten(const std::string& name);
  // Makes the directory (and its parents) if needed, removes an old manifest.json and stale
  // temporaries. Add() calls it; a writer of its own files calls it first.
  void Open();
  // Writes manifest.json, the last file.
  void Commit(const std::vector<ManifestInput>& inputs);

 private:
  std::string dir_;
  bool opened_ = false;
  bool committed_ = false;
  std::vector<std::string> made_;  // directories this object created, outermost first
  std::vector<ManifestFile> files_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_OUTPUT_DIR_H_
