// Helpers shared by the tests: paths of the source tree and the built program, running the
// program, reading files and shipped scenarios.
#ifndef MOUNTSTORM_TESTS_TEST_SUPPORT_H_
#define MOUNTSTORM_TESTS_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm::test {

// <source tree>/relative
std::string SourcePath(const std::string& relative);
// The built mountstorm program.
std::string ProgramPath();
// A fresh empty directory under the build's temporary area.
std::string TempDir(const std::string& name);

std::string ReadFile(const std::string& path);

struct CommandResult {
  int exit_status;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `args` (no shell) and captures both streams.
CommandResult RunProgram(const std::vector<std::string>& args);

// Loads scenarios/<name>.json from the source tree.
Scenario LoadShipped(const std::string& name, const std::vector<std::string>& overrides = {});

}  // namespace mountstorm::test

#endif  // MOUNTSTORM_TESTS_TEST_SUPPORT_H_
