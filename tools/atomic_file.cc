#include "tools/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mountstorm {

namespace {

// umask() can only be read by setting it; the program is single-threaded, so setting it back at
// once is safe.
mode_t CurrentUmask() {
  mode_t mask = umask(022);
  umask(mask);
  return mask;
}

}  // namespace

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error) {
  std::string templ = path + ".tmp.XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    *error = "cannot create a temporary file beside " + path + ": " + std::strerror(errno);
    return false;
  }
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "cannot write " + path + ": " + std::strerror(errno);
      close(fd);
      unlink(name.data());
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // mkstemp creates the file 0600; an output file gets the mode open() would give it, 0666 less the
  // umask, so that a restrictive umask is honoured.
  if (fchmod(fd, 0666 & ~CurrentUmask()) != 0) {
    *error = "cannot set the mode of " + path + ": " + std::strerror(errno);
    close(fd);
    unlink(name.data());
    return false;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    *error = "cannot flush " + path + ": " + std::strerror(errno);
    unlink(name.data());
    return false;
  }
  if (std::rename(name.data(), path.c_str()) != 0) {
    *error = "cannot rename the temporary file to " + path + ": " + std::strerror(errno);
    unlink(name.data());
    return false;
  }
  return true;
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
