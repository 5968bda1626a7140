// SHA-256 (FIPS 180-4) of a text, as lowercase hex: the checksums of the files in a manifest.json
// and the hash of a command's inputs. Written here to keep the program free of a crypto library;
// checked against the FIPS test vectors in tests/outputs_test.cc.
#ifndef MOUNTSTORM_TOOLS_IO_SHA256_H_
#define MOUNTSTORM_TOOLS_IO_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mountstorm {

// An incremental hash: Add() any number of times, then Hex() once.
class Sha256 {
 public:
  Sha256();
  void Add(std::string_view data);
  std::string Hex();

 private:
  void Block(const unsigned char* p);

  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes added
};

// The SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_SHA256_H_
