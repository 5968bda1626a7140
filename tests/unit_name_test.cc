// Unit names and D-Bus object paths as systemd derives them from mount points and devices:
// unit_name_path_escape() (what `systemd-escape --path` prints) and bus_label_escape().
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/message/unit_name.h"
#include "tests/test_support.h"

using mountstorm::UnitNameFromPath;
using mountstorm::UnitObjectPath;

namespace {

const std::string kUnitPrefix = "/org/freedesktop/systemd1/unit/";

}  // namespace

TEST_CASE("the incident's names: a mount unit and a device-mapper device", "[unit_name]") {
  // The names in the dbus-monitor captures of the incident (README.md, "Why it exists").
  CHECK(UnitNameFromPath("/usr/mount/app/bucket1", ".mount") == "usr-mount-app-bucket1.mount");
  CHECK(UnitObjectPath("usr-mount-app-bucket1.mount") == kUnitPrefix + "usr_2dmount_2dapp_2dbucket1_2emount");

  CHECK(UnitNameFromPath("/dev/mapper/vg01-data", ".device") == "dev-mapper-vg01\\x2ddata.device");
  CHECK(UnitObjectPath("dev-mapper-vg01\\x2ddata.device") == kUnitPrefix + "dev_2dmapper_2dvg01_5cx2ddata_2edevice");
  for (const char* lv : {"var", "state", "tmp", "root"}) {
    const std::string path = std::string("/dev/mapper/vg01-") + lv;
    CHECK(UnitObjectPath(UnitNameFromPath(path, ".device")) ==
          kUnitPrefix + "dev_2dmapper_2dvg01_5cx2d" + lv + "_2edevice");
  }
}

TEST_CASE("UnitNameFromPath escapes as systemd-escape --path does", "[unit_name]") {
  struct Case {
    const char* path;
    const char* unit;
  };
  const std::vector<Case> cases = {
      {"/", "-.mount"},
      {"", "-.mount"},
      {"//", "-.mount"},
      {"/home/mark", "home-mark.mount"},
      {"//home//mark", "home-mark.mount"},  // repeated slashes simplified
      {"/home/mark/", "home-mark.mount"},    // trailing slash dropped
      {"/home/mark///", "home-mark.mount"},
      {"/a/./b", "a-b.mount"},                // "." components dropped (path_simplify)
      {"/.snapshots", "\\x2esnapshots.mount"},  // a leading dot is escaped...
      {"/.a/.b", "\\x2ea-.b.mount"},            // ...only at the very start
      {"/a.b", "a.b.mount"},
      {"/a b", "a\\x20b.mount"},
      {"/a-b", "a\\x2db.mount"},
      {"/a\\b", "a\\x5cb.mount"},
      {"/a:b_c", "a:b_c.mount"},                  // ':' and '_' are kept
      {"/cpu,cpuacct", "cpu\\x2ccpuacct.mount"},
      {"/caf\xc3\xa9", "caf\\xc3\\xa9.mount"},    // every byte of a UTF-8 sequence
      {"/x\ty", "x\\x09y.mount"},
      {"/Data9", "Data9.mount"},
  };
  for (const Case& c : cases) {
    INFO("path '" << c.path << "'");
    CHECK(UnitNameFromPath(c.path, ".mount") == c.unit);
  }
  CHECK(UnitNameFromPath("/dev/sda1", ".device") == "dev-sda1.device");
}

TEST_CASE("UnitObjectPath escapes as bus_label_escape does", "[unit_name]") {
  CHECK(UnitObjectPath("-.mount") == kUnitPrefix + "_2d_2emount");
  CHECK(UnitObjectPath("home-mark.mount") == kUnitPrefix + "home_2dmark_2emount");
  CHECK(UnitObjectPath("Ab9_x.mount") == kUnitPrefix + "Ab9_5fx_2emount");
  CHECK(UnitObjectPath("") == kUnitPrefix + "_");
  // A leading digit is escaped (D-Bus path elements may not start with one in systemd's labels).
  CHECK(UnitObjectPath("1data.mount") == kUnitPrefix + "_31data_2emount");
  CHECK(UnitObjectPath("9") == kUnitPrefix + "_39");
  CHECK(UnitObjectPath("caf\xc3\xa9") == kUnitPrefix + "caf_c3_a9");
  CHECK(UnitObjectPath(UnitNameFromPath("/caf\xc3\xa9", ".mount")) == kUnitPrefix + "caf_5cxc3_5cxa9_2emount");
  // Every result is a valid D-Bus object path: [A-Za-z0-9_] elements.
  for (const char* name : {"-.mount", "a b.mount", "\xff", "x/y", "..", "0"}) {
    std::string p = UnitObjectPath(name).substr(kUnitPrefix.size());
    INFO(name << " -> " << p);
    CHECK_FALSE(p.empty());
    for (char c : p) {
      CHECK(((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'));
    }
  }
}

TEST_CASE("UnitNameFromPath agrees with this machine's systemd-escape", "[unit_name][systemd-escape]") {
  std::string program;
  for (const char* p : {"/usr/bin/systemd-escape", "/bin/systemd-escape"}) {
    if (std::filesystem::exists(p)) {
      program = p;
      break;
    }
  }
  if (program.empty()) {
    WARN("systemd-escape is not installed: comparison skipped");
    return;
  }
  const std::vector<std::string> paths = {
      "/", "/usr/mount/app/bucket1", "/home/mark", "//home//mark/", "/.snapshots/x", "/a.b/.c",
      "/a b", "/a-b", "/a\\b", "/a:b_c", "/sys/fs/cgroup/cpu,cpuacct", "/run/user/1000",
      "/caf\xc3\xa9", "/x\ty", "/~user", "/a/./b", "/mnt/@home", "/dev/mapper/vg01-data"};
  for (const std::string& path : paths) {
    INFO("path '" << path << "'");
    mountstorm::test::CommandResult r = mountstorm::test::RunProgram({program, "--path", "--suffix=mount", path});
    REQUIRE(r.exit_status == 0);
    std::string expected = r.out;
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();
    CHECK(UnitNameFromPath(path, ".mount") == expected);
  }
}
