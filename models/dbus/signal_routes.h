// SignalRoutes: who receives a broadcast signal, for either relay. Built once from the match
// rules every connection registered (AddMatch), then asked per message: the connections whose
// rules select every message of this (sender, member), plus those whose rules select only some
// units' objects (a path or a path namespace), checked against the message's object path.
// dbus-daemon's bus/signals.c and dbus-broker's src/bus/match.c agree on which rules match; they
// differ in cost (research/dbus.md 3.3), which each relay charges itself.
#ifndef MOUNTSTORM_MODELS_DBUS_SIGNAL_ROUTES_H_
#define MOUNTSTORM_MODELS_DBUS_SIGNAL_ROUTES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/dbus/bus_topology.h"
#include "models/dbus/match_rule.h"
#include "models/dbus/object_paths.h"
#include "models/message/message.h"

namespace mountstorm {

class SignalRoutes {
 public:
  // `rules[c]`: the match rules of the relay's connection c.
  void Build(const BusTopology& topology, const std::vector<const std::vector<MatchRule>*>& rules);

  // The connections (indices as given to Build) that receive a signal `member` from peer `sender`
  // about unit `object`, in connection order, into `out` (cleared first); returns the number of
  // rules the daemon scans for it (those filed under the message's type and interface).
  std::uint32_t Recipients(std::uint16_t sender, Member member, std::uint32_t object, const ObjectPaths& paths,
                           std::vector<std::uint32_t>* out) const;
  // The same without a copy where the unit's object cannot matter: the recipients of every signal
  // `member` from `sender`, when no rule for it names a unit's path (null otherwise: then ask
  // Recipients()), and in *rules_scanned what Recipients() returns.
  const std::vector<std::uint32_t>* RecipientsOfAll(std::uint16_t sender, Member member,
                                                    std::uint32_t* rules_scanned) const {
    const Route& route = RouteOf(sender, member);
    *rules_scanned = route.rules_scanned;
    return route.unit_rules.empty() ? &route.recipients : nullptr;
  }

 private:
  struct UnitRule {
    std::uint32_t connection;
    std::string path;  // exact unit path, or a namespace below the unit prefix
    bool is_namespace;
  };
  struct Route {
    std::vector<std::uint32_t> recipients;  // connection indices, for every message
    std::vector<UnitRule> unit_rules;       // rules that match only some units' objects
    std::uint32_t rules_scanned = 0;
  };
  void BuildRoute(const BusTopology& topology, std::uint16_t sender, Member member,
                  const std::vector<const std::vector<MatchRule>*>& rules, Route* route);

  const Route& RouteOf(std::uint16_t sender, Member member) const {
    return routes_[static_cast<std::size_t>(sender) * kMemberCount + static_cast<std::size_t>(member)];
  }

  std::vector<Route> routes_;  // [peer * kMemberCount + member]
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_SIGNAL_ROUTES_H_
