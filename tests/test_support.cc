#include "tests/test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "models/io/scenario_json.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"

namespace mountstorm {

RunOutput RunTest(const Scenario& s, MessageTap* tap) {
  RunOutput out;
  static_cast<RunResult&>(out) = RunScenario(s, tap);
  out.summary = nlohmann::json::parse(SummaryJsonText(out));
  out.curves_csv = CurvesCsvText(out.curves);
  out.events_csv = EventsCsvText(out.event_log);
  return out;
}

Scenario ParseScenario(const nlohmann::json& doc, const std::string& file) {
  // The JSON value itself, not its text: a test may hand it what no JSON text can hold (infinity).
  return ParseScenarioJson(doc, file);
}

}  // namespace mountstorm

namespace mountstorm::test {

std::string SourcePath(const std::string& relative) { return std::string(MOUNTSTORM_SOURCE_DIR) + "/" + relative; }

std::string ProgramPath() { return MOUNTSTORM_BINARY; }

std::string TempDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("mountstorm-test-" + std::to_string(getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}
}  // namespace

CommandResult Mountstorm(std::vector<std::string> args) {
  args.insert(args.begin(), ProgramPath());
  return RunProgram(args);
}

CommandResult RunProgram(const std::vector<std::string>& args) {
  // stdout and stderr go to temporary files, so neither pipe can fill and block the child.
  std::string dir = TempDir("run-program");
  std::string out_path = dir + "/out", err_path = dir + "/err";
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Drain(open(out_path.c_str(), O_RDONLY));
  r.err = Drain(open(err_path.c_str(), O_RDONLY));
  return r;
}

Scenario LoadShipped(const std::string& name, const std::vector<std::string>& overrides) {
  return LoadScenarioFile(SourcePath("scenarios/" + name + ".json"), overrides);
}

}  // namespace mountstorm::test
