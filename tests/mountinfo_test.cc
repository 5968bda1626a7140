// Real mount tables: /proc/self/mountinfo parsed with its octal escapes, and the unit names and
// object paths systemd would derive from it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <sstream>
#include <unistd.h>

#include "models/io/mountinfo_file.h"
#include "models/kernel/workload.h"
#include "models/message/unit_name.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// Lines in the kernel's format, with the escapes show_mountinfo() writes.
const char kFixture[] =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "27 1 253:1 / / rw,relatime shared:1 - xfs /dev/mapper/vg01-root rw,attr2,inode64,noquota\n"
    "40 27 0:45 / /home/mark rw,relatime shared:20 - nfs4 nfs01:/export/home/mark rw,vers=4.1,sec=sys\n"
    "41 27 0:46 / /srv/My\\040Files rw,nosuid master:7 - cifs //fs/My\\040Files rw,vers=3.0\n"
    "42 27 0:47 / /mnt/tab\\011and\\134back rw - tmpfs tmp\\040fs rw,size=1024k\n"
    "43 27 0:48 / /mnt/-dash.dot rw shared:3 master:4 - ext4 /dev/sdb1 rw\n";

// systemd-escape --path --suffix=mount for each path, or empty if the program is missing.
std::vector<std::string> SystemdEscape(const std::vector<std::string>& paths) {
  if (access("/usr/bin/systemd-escape", X_OK) != 0 && access("/bin/systemd-escape", X_OK) != 0) return {};
  std::vector<std::string> args = {access("/usr/bin/systemd-escape", X_OK) == 0 ? "/usr/bin/systemd-escape"
                                                                               : "/bin/systemd-escape",
                                   "--path", "--suffix=mount"};
  args.insert(args.end(), paths.begin(), paths.end());
  test::CommandResult r = test::RunProgram(args);
  REQUIRE(r.exit_status == 0);
  std::vector<std::string> names;
  std::istringstream in(r.out);
  for (std::string name; in >> name;) names.push_back(name);
  return names;
}

}  // namespace

TEST_CASE("mountinfo lines are read with all their fields and octal escapes", "[mountinfo]") {
  std::vector<MountSpec> m = ParseMountinfo(kFixture, "fixture");
  REQUIRE(m.size() == 6);
  CHECK(m[1].path == "/");
  CHECK(m[1].source == "/dev/mapper/vg01-root");
  CHECK(m[1].fstype == "xfs");
  CHECK(m[1].options == "rw,relatime,rw,attr2,inode64,noquota");  // mount then superblock options
  CHECK(m[3].path == "/srv/My Files");
  CHECK(m[3].source == "//fs/My Files");
  CHECK(m[4].path == "/mnt/tab\tand\\back");
  CHECK(m[4].source == "tmp fs");
  CHECK(m[5].path == "/mnt/-dash.dot");  // several optional fields before "-"
}

TEST_CASE("a malformed mountinfo line is an input error naming the line", "[mountinfo]") {
  CHECK_THROWS_WITH(ParseMountinfo("22 27 0:21 / /proc rw,relatime proc proc rw\n", "f"),
                    Catch::StartsWith("f:1: expected a mountinfo line"));
  CHECK_THROWS_WITH(ParseMountinfo(std::string(kFixture) + "1 2 3\n", "f"), Catch::StartsWith("f:7:"));
}

TEST_CASE("unit names of a fixture with escaped paths are systemd-escape's", "[mountinfo]") {
  std::vector<MountSpec> m = ParseMountinfo(kFixture, "fixture");
  std::vector<std::string> paths;
  for (const MountSpec& s : m) paths.push_back(s.path);
  std::vector<std::string> expected = SystemdEscape(paths);
  if (expected.empty()) {
    WARN("systemd-escape is not installed: compared with the names systemd 252 printed instead");
    expected = {"proc.mount", "-.mount", "home-mark.mount", "srv-My\\x20Files.mount",
                "mnt-tab\\x09and\\x5cback.mount", "mnt-\\x2ddash.dot.mount"};
  }
  REQUIRE(expected.size() == paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) CHECK(UnitNameFromPath(paths[i], ".mount") == expected[i]);
  // bus_label_escape(): every byte but [A-Za-z0-9] as _xx, e.g. "\x20" -> "_5cx20".
  CHECK(UnitObjectPath(UnitNameFromPath("/srv/My Files", ".mount")) ==
        "/org/freedesktop/systemd1/unit/srv_2dMy_5cx20Files_2emount");
  CHECK(UnitObjectPath("-.mount") == "/org/freedesktop/systemd1/unit/_2d_2emount");
}

TEST_CASE("this machine's own mount table gives systemd-escape's unit names", "[mountinfo]") {
  std::vector<MountSpec> m = ReadMountinfoFile("/proc/self/mountinfo");
  REQUIRE_FALSE(m.empty());
  std::vector<std::string> paths;
  for (const MountSpec& s : m) paths.push_back(s.path);
  std::vector<std::string> expected = SystemdEscape(paths);
  if (expected.empty()) {
    WARN("systemd-escape is not installed: only the parse is checked");
    return;
  }
  REQUIRE(expected.size() == paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    INFO(paths[i]);
    CHECK(UnitNameFromPath(paths[i], ".mount") == expected[i]);
  }
}

TEST_CASE("run --mountinfo simulates a storm on top of this machine's table", "[mountinfo]") {
  std::string dir = test::TempDir("mountinfo-run");
  test::CommandResult r = test::RunProgram({test::ProgramPath(), "run", test::SourcePath("scenarios/incident-single-mount.json"),
                                            "-o", dir, "--mountinfo", "/proc/self/mountinfo", "--quiet"});
  REQUIRE(r.exit_status == 0);
  nlohmann::json s = nlohmann::json::parse(test::ReadFile(dir + "/summary.json"));
  std::size_t own = ReadMountinfoFile("/proc/self/mountinfo").size();
  // The machine's table first, then the scenario's 64 entries.
  CHECK(s["mount_table"]["initial_lines"] == own + 64);
  CHECK(s["scans"]["count"] == 1);
}

TEST_CASE("a generated mount's texts take its index at every {i} and keep the rest", "[mountinfo]") {
  CHECK(ExpandIndex("/mnt/{i}/x{i}", 42) == "/mnt/42/x42");
  CHECK(ExpandIndex("{i}{i}", 7) == "77");
  CHECK(ExpandIndex("rw,vers=4.2,{i", 3) == "rw,vers=4.2,{i");
  CHECK(ExpandIndex("", 1).empty());
  const MountSpec spec = ExpandSpec({"/home/u{i}", "srv:/export/u{i}", "nfs4", "rw,addr=10.0.0.{i}"}, 1234);
  CHECK(spec.path == "/home/u1234");
  CHECK(spec.source == "srv:/export/u1234");
  CHECK(spec.fstype == "nfs4");
  CHECK(spec.options == "rw,addr=10.0.0.1234");
}
