// Reading input safely: every file mountstorm reads, and every JSON text, goes through these, so
// that no input can make the program read without end or recurse without end. The limits are
// documented in docs/SCENARIOS.md ("Errors"); exceeding one is an InputError (exit status 2)
// naming the file and the limit.
#ifndef MOUNTSTORM_INCLUDE_INPUT_H_
#define MOUNTSTORM_INCLUDE_INPUT_H_

#include <cstdint>
#include <string>

namespace mountstorm {

// The largest file mountstorm reads: 256 MiB. A mount table of 10^6 lines is about 100 MB.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{256} << 20;
// The deepest nesting of arrays and objects in any JSON input. A scenario nests 5 levels deep.
inline constexpr int kMaxJsonDepth = 64;

// The whole of the regular file at `path` (`what` names it in messages: "scenario file"). An
// InputError when it cannot be opened ("PATH: cannot open the WHAT"), is not a regular file (a
// directory, a device, a pipe), or is larger than kMaxInputFileBytes.
std::string ReadInputFile(const std::string& path, const std::string& what);

// Refuses, as an InputError naming `origin`, JSON text that holds a NUL byte (a file cut short or
// not text; the JSON parser would stop at it and accept what came before) or nests arrays and
// objects deeper than kMaxJsonDepth. A linear scan, without recursion: call it before parsing.
void GuardJsonText(const std::string& text, const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_INPUT_H_
