// Who receives a broadcast signal (models/dbus/signal_routes.h).
#include "models/dbus/signal_routes.h"

#include <algorithm>

namespace mountstorm {

void SignalRoutes::Build(const BusTopology& topology, const std::vector<const std::vector<MatchRule>*>& rules) {
  const std::size_t n = boost::num_vertices(topology.graph);
  routes_.assign(n * kMemberCount, Route{});
  for (std::size_t sender = 0; sender < n; ++sender) {
    for (int mi = 0; mi < kMemberCount; ++mi) {
      BuildRoute(topology, static_cast<std::uint16_t>(sender), static_cast<Member>(mi), rules,
                 &routes_[sender * kMemberCount + static_cast<std::size_t>(mi)]);
    }
  }
}

void SignalRoutes::BuildRoute(const BusTopology& topology, std::uint16_t sender, Member member,
                              const std::vector<const std::vector<MatchRule>*>& rules, Route* route) {
  // Signals are broadcast; this table routes only them (unicast goes by destination).
  for (const std::vector<MatchRule>* connection_rules : rules) {
    for (const MatchRule& rule : *connection_rules) {
      if (RuleScannedFor(rule, MessageType::kSignal, member)) ++route->rules_scanned;
    }
  }
  for (std::uint32_t ci = 0; ci < rules.size(); ++ci) {
    bool all = false;
    for (const MatchRule& rule : *rules[ci]) {
      if (!RuleScannedFor(rule, MessageType::kSignal, member)) continue;
      if (!rule.member.empty() && rule.member != MemberName(member)) continue;
      if (!topology.SenderMatches(rule, sender)) continue;
      switch (RulePathMatch(rule, PathClassOf(member))) {
        case PathMatch::kAll: all = true; break;
        case PathMatch::kSomeUnits:
          route->unit_rules.push_back(
              UnitRule{ci, rule.path.empty() ? rule.path_namespace : rule.path, rule.path.empty()});
          break;
        case PathMatch::kNone: break;
      }
    }
    if (all) route->recipients.push_back(ci);
  }
}

std::uint32_t SignalRoutes::Recipients(std::uint16_t sender, Member member, std::uint32_t object,
                                       const ObjectPaths& paths, std::vector<std::uint32_t>* out) const {
  const Route& route = RouteOf(sender, member);
  *out = route.recipients;
  if (!route.unit_rules.empty()) {
    const std::string path = paths.UnitPath(object);
    for (const UnitRule& r : route.unit_rules) {
      bool match = r.is_namespace ? PathInNamespace(path, r.path) : path == r.path;
      if (match && std::find(out->begin(), out->end(), r.connection) == out->end()) out->push_back(r.connection);
    }
  }
  return route.rules_scanned;
}

}  // namespace mountstorm
