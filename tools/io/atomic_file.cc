#include "io/atomic_file.h"

#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "io/temp_files.h"

namespace mountstorm {

namespace {

// The mode open() gives a new file: 0666 less the umask. umask() can only be read by setting it,
// so it is read once, before any output is written, and the answer kept: a function-local static
// is initialised exactly once even when a sweep's workers write files at the same time.
mode_t OutputMode() {
  static const mode_t mode = [] {
    mode_t mask = umask(022);
    umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
  }();
  return mode;
}

}  // namespace

int CreateTempBeside(const std::string& path, std::string* temp, std::string* error) {
  // The host and PID in the name let the next command tell a temporary of a killed process (stale,
  // to remove) from one being written by a process still running here or on another host sharing
  // the directory (RemoveStaleTemps).
  std::string templ = path + ".tmp." + TempHostTag() + "." + std::to_string(getpid()) + ".XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  // No stop signal between the file's creation and its registration: the handler must know of
  // every temporary that exists (io/temp_files.h).
  sigset_t stop, previous;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  pthread_sigmask(SIG_BLOCK, &stop, &previous);
  int fd = mkstemp(name.data());
  const int saved = errno;
  if (fd >= 0) RememberTemp(name.data());
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (fd < 0) {
    *error = "cannot create a temporary file beside " + path + ": " + std::strerror(saved);
    return -1;
  }
  *temp = name.data();
  return fd;
}

void DiscardTemp(const std::string& temp) {
  unlink(temp.c_str());
  ForgetTemp(temp);
}

bool SyncDirectory(const std::string& dir, std::string* error) {
  const std::string d = dir.empty() ? "." : dir;
  int fd = open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open the directory " + d + " to flush it: " + std::strerror(errno);
    return false;
  }
  // Some file systems cannot flush a directory (EINVAL): their renames are as durable as they get.
  const bool ok = fsync(fd) == 0 || errno == EINVAL || errno == EROFS;
  if (!ok) *error = "cannot flush the directory " + d + ": " + std::strerror(errno);
  close(fd);
  return ok;
}

int RemoveStaleTemps(const std::string& dir) {
  std::error_code ec;
  int removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir, ec)) {
    if (!IsStaleTempName(entry.path().filename().string())) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

bool SyncTemp(int fd, const std::string& path, std::string* error) {
  // mkstemp creates the file 0600; an output file gets the mode open() would give it, so that a
  // restrictive umask is honoured.
  if (fchmod(fd, OutputMode()) != 0) {
    *error = "cannot set the mode of " + path + ": " + std::strerror(errno);
    return false;
  }
  if (fsync(fd) != 0) {
    *error = "cannot flush " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool RenameTemp(const std::string& temp, const std::string& path, std::string* error) {
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename the temporary file to " + path + ": " + std::strerror(errno);
    DiscardTemp(temp);
    return false;
  }
  ForgetTemp(temp);
  return SyncDirectory(std::filesystem::path(path).parent_path().string(), error);
}

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error) {
  std::string temp;
  int fd = CreateTempBeside(path, &temp, error);
  if (fd < 0) return false;
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "cannot write " + path + ": " + std::strerror(errno);
      close(fd);
      DiscardTemp(temp);
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (!SyncTemp(fd, path, error)) {
    close(fd);
    DiscardTemp(temp);
    return false;
  }
  if (close(fd) != 0) {
    *error = "cannot flush " + path + ": " + std::strerror(errno);
    DiscardTemp(temp);
    return false;
  }
  return RenameTemp(temp, path, error);
}

bool MakeDirectories(const std::string& dir, std::string* error) {
  if (dir.empty()) {
    *error = "the output directory is empty: expected a directory path";
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create directory " + dir + ": " + ec.message();
    return false;
  }
  if (!std::filesystem::is_directory(dir)) {
    *error = dir + " exists and is not a directory";
    return false;
  }
  return true;
}

}  // namespace mountstorm
