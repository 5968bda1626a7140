// The shape of every fuzz target (fuzz/*_fuzz.cc): one parser of mountstorm's input, fed any bytes.
//
// A target calls its parser as the program would and accepts exactly two outcomes: the input is
// read, or it is refused with an InputError (exit status 2 in the program). Anything else, an
// InternalError, another exception, a crash, a leak or undefined behaviour caught by a sanitizer,
// is a finding: the target aborts so that libFuzzer keeps the input.
#ifndef MOUNTSTORM_FUZZ_FUZZ_TARGET_H_
#define MOUNTSTORM_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "mountstorm/error.h"

namespace mountstorm::fuzz {

// Runs `parse` on the input as text; returns 0 if it was read or refused as bad input.
template <typename Parse>
int Accept(const std::uint8_t* data, std::size_t size, Parse parse) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    parse(text);
  } catch (const InputError&) {
    // Refused as bad input: what the program reports with exit status 2.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: not an InputError but %s\n", e.what());
    std::abort();
  }
  return 0;
}

}  // namespace mountstorm::fuzz

#endif  // MOUNTSTORM_FUZZ_FUZZ_TARGET_H_
