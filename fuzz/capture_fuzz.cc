// Fuzz target: a capture for `mountstorm replay` (pcapng as busctl capture writes it, or pcap with
// the D-Bus link type), read by libpcap and each record decoded by libdbus (ReadCapture). The
// bytes are written to a file of this process first, since libpcap reads files.
#include <unistd.h>

#include <fstream>
#include <string>

#include "fuzz/fuzz_target.h"
#include "replay/capture.h"

namespace {

// The file of this process, removed when it exits: in memory (/dev/shm) where there is one, since
// it is rewritten for every input and a file system on disk costs more than the parsing.
std::string CaptureDir() { return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; }
struct CaptureFile {
  const std::string path = CaptureDir() + "/mountstorm-capture-fuzz-" + std::to_string(getpid()) + ".pcapng";
  ~CaptureFile() { unlink(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const CaptureFile file;  // static: the lambda uses it without capturing it
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    std::ofstream(file.path, std::ios::binary | std::ios::trunc) << text;
    mountstorm::ReadCapture(file.path);
  });
}
