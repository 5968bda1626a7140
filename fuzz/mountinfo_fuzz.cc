// Fuzz target: a mount table in the format of /proc/self/mountinfo (--mountinfo FILE and a
// scenario's mount_table/mountinfo_file), parsed line by line with its octal escapes.
#include "fuzz/fuzz_target.h"
#include "models/io/mountinfo_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    mountstorm::ParseMountinfo(text, "fuzz.mountinfo");
  });
}
