// mountstorm graph: the topology as DOT, from the graph dbus-daemon routes by.
#include <catch2/catch.hpp>

#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "tests/test_support.h"

using namespace mountstorm;

TEST_CASE("the DOT graph shows every process, connection, match rule and limit", "[graph]") {
  nlohmann::json doc = {
      {"name", "topology"},
      {"patches", {{{"name", "changed-only"}}}},
      {"subscribers",
       {{{"name", "agent"}, {"match_rules", {"type='signal',member='UnitNew'"}}},
        {{"name", "monitor"}, {"private_connection", true}}}},
      {"logins", {{{"name", "sshd"}, {"at_s", {1}}}}},
  };
  const std::string g = TopologyDot(ParseScenario(doc, "t.json"));
  CHECK(g.rfind("graph G {", 0) == 0);
  for (const char* text : {"systemd\\norg.freedesktop.systemd1", "dbus-daemon", "logind", "agent", "monitor", "sshd",
                           "wqueue 196,608", "max_outgoing 127 MiB", "sndbuf 16 MiB",
                           "type='signal',member='UnitNew'", "member='PropertiesChanged'",
                           "private (/run/systemd/private)", "style=dashed", "patch {\\\"name\\\":\\\"changed-only\\\"}"}) {
    INFO(text);
    CHECK(g.find(text) != std::string::npos);
  }
  // 6 processes; the private client is connected to PID 1, everyone else to the bus.
  CHECK(g.find("4--0 [") != std::string::npos);  // monitor, the fifth vertex
  CHECK(g.find("5--1 [") != std::string::npos);  // sshd
}
