// Bounded reads of input files and the guard of JSON text (mountstorm/input.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

namespace {

std::string KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string TooLarge(const std::string& path, const std::string& what) {
  return path + ": the " + what + " is larger than " + std::to_string(kMaxInputFileBytes >> 20) +
         " MiB, the largest input file mountstorm reads";
}

// Closes the descriptor however the read ends.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

std::string ReadInputFile(const std::string& path, const std::string& what) {
  Descriptor d{open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (d.fd < 0) throw InputError(path + ": cannot open the " + what);
  struct stat st;
  if (fstat(d.fd, &st) != 0) throw InputError(path + ": cannot read the " + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    throw InputError(path + ": expected the " + what + " as a regular file, found " + KindOf(st.st_mode));
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxInputFileBytes) throw InputError(TooLarge(path, what));
  // Read to the end rather than st_size bytes: a file of /proc says 0 and has more. The limit holds
  // for what is read too, should the file grow meanwhile.
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(d.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(path + ": cannot read the " + what + ": " + std::strerror(errno));
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > kMaxInputFileBytes) throw InputError(TooLarge(path, what));
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

void GuardJsonText(const std::string& text, const std::string& origin) {
  int depth = 0;
  bool in_string = false;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') {
      throw InputError(origin + ": line " + std::to_string(line) + ": expected JSON text, found a NUL byte (at byte " +
                       std::to_string(i) + "; is the file cut short or not text?)");
    }
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') ++i;  // an escaped character, '"' or '\\' included
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw InputError(origin + ": line " + std::to_string(line) + ": expected JSON nested at most " +
                         std::to_string(kMaxJsonDepth) + " levels deep (the limit of mountstorm), found deeper");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace mountstorm
