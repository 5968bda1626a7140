#include "io/output_dir.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "io/atomic_file.h"
#include "mountstorm/error.h"

namespace mountstorm {
namespace {

namespace fs = std::filesystem;

// The nearest existing ancestor of `path` (itself if it exists), and whether it is writable.
fs::path ExistingAncestor(const fs::path& path) {
  fs::path p = fs::absolute(path).lexically_normal();
  std::error_code ec;
  while (!fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p) p = p.parent_path();
  return p;
}

void CheckCanMake(const std::string& path, const std::string& what) {
  std::error_code ec;
  const fs::path ancestor = ExistingAncestor(fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path());
  if (!fs::is_directory(ancestor, ec)) {
    throw InputError(what + " " + path + ": expected a path under a directory, found " + ancestor.string() +
                     ", which is not a directory");
  }
  if (access(ancestor.c_str(), W_OK | X_OK) != 0) {
    throw InputError(what + " " + path + ": cannot write into " + ancestor.string() + " (permission denied)");
  }
}

}  // namespace

void CheckOutputFile(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + ": expected a file name, found an empty one");
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(what + " " + path + ": expected a file to write, found a directory");
  CheckCanMake(path, what);
}

void CheckOutputDirectory(const std::string& dir, const std::string& what) {
  if (dir.empty()) throw InputError(what + ": expected a directory path, found an empty one");
  if (dir == "-") {
    throw InputError(what + " -: expected a directory; standard output (-) takes one file, and this command writes "
                     "several (give a directory, e.g. -o ./-, to mean one named -)");
  }
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError(what + " " + dir + ": expected a directory, found a file");
    if (access(dir.c_str(), W_OK | X_OK) != 0) throw InputError(what + " " + dir + ": cannot write into it (permission denied)");
    return;
  }
  CheckCanMake(dir + "/x", what);
}

void WriteOutputFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return;
  }
  const std::string parent = fs::path(path).parent_path().string();
  std::string error;
  if (!parent.empty() && !MakeDirectories(parent, &error)) throw InputError(error);
  RemoveStaleTemps(parent);
  if (!WriteFileAtomically(path, text, &error)) throw InputError(error);
}

OutputDir::OutputDir(std::string dir, const std::string& what) : dir_(std::move(dir)) {
  CheckOutputDirectory(dir_, what);
}

OutputDir::~OutputDir() {
  if (!opened_ || committed_) return;
  std::error_code ec;
  for (const ManifestFile& f : files_) fs::remove(dir_ + "/" + f.name, ec);
  for (auto d = made_.rbegin(); d != made_.rend(); ++d) fs::remove(*d, ec);  // only if empty
}

void OutputDir::Open() {
  if (opened_) return;
  std::error_code ec;
  for (fs::path p = fs::absolute(dir_).lexically_normal(); !fs::exists(p, ec) && p.has_parent_path() && p != p.parent_path();
       p = p.parent_path()) {
    made_.insert(made_.begin(), p.string());
  }
  std::string error;
  if (!MakeDirectories(dir_, &error)) throw InputError(error);
  opened_ = true;
  fs::remove(dir_ + "/" + kManifestName, ec);
  if (ec) throw InputError("cannot remove the old " + dir_ + "/" + kManifestName + ": " + ec.message());
  if (!SyncDirectory(dir_, &error)) throw InputError(error);
  RemoveStaleTemps(dir_);
}

void OutputDir::Add(const std::string& name, const std::string& contents) {
  Open();
  std::string error;
  if (!WriteFileAtomically(dir_ + "/" + name, contents, &error)) throw InputError(error);
  files_.push_back(DescribeText(name, contents));
}

void OutputDir::AddWritten(const std::string& name) { files_.push_back(DescribeFile(dir_, name)); }

void OutputDir::Commit(const std::vector<ManifestInput>& inputs) {
  Open();
  std::string error;
  if (!WriteFileAtomically(dir_ + "/" + kManifestName, ManifestText(inputs, files_), &error)) throw InputError(error);
  committed_ = true;
}

}  // namespace mountstorm
