// dbus-broker 33's per-UID quotas (models/dbus/broker/user_accounting.h): the launcher's maxima,
// the amounts charged, the self and cross-UID rules of user_charge(), release, and the hand-computed
// cases of docs/research/dbus-broker-model.md sections 1.2, 1.4, 1.3, 2 and 7. Every expected
// number is worked out in the comment above it, not taken from the code.
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/dbus/broker/user_accounting.h"

using namespace mountstorm::broker;

namespace {

constexpr UserId kRoot = 0;     // uid 0: PID 1, logind, the launcher
constexpr UserId kUser1000 = 1;  // uid 1000
constexpr UserId kUser1001 = 2;  // a third UID

// Limits with only the byte pool set, the others large enough not to matter.
UserLimits BytesOnly(std::uint32_t bytes) { return UserLimits{bytes, 1000, 1000, 1000}; }

// A peer connecting as `uid`: peer_new_with_fd() self-charges sizeof(Peer) bytes, 1 fd and
// 1 object, in that order, and stops at the first failure.
struct PeerCharges {
  bool ok = true;
  ChargeResult failed;
  std::vector<UserCharge> held;
};
PeerCharges ConnectPeer(UserAccounting& a, UserId uid) {
  PeerCharges p;
  for (auto [slot, amount] : {std::pair{UserSlot::kBytes, kPeerBytes}, std::pair{UserSlot::kFds, 1u},
                              std::pair{UserSlot::kObjects, 1u}}) {
    ChargeResult r = a.Charge(uid, uid, slot, amount);
    if (!r.ok) {
      p.ok = false;
      p.failed = r;
      return p;
    }
    p.held.push_back(r.charge);
  }
  return p;
}

// What happens to the broadcast storm of section 7: PID 1 and logind connected as root, logind
// holding its 4 rules and reading nothing, PID 1 sending signals of n_data bytes to logind only.
struct StormOutcome {
  std::uint32_t queued = 0;     // K: copies queued on logind before a charge failed
  std::uint32_t remainder = 0;  // r: what was left of root's byte pool then
  bool pid1_cut = false;        // PID 1's input charge failed (else logind's queue charge did)
};
StormOutcome Storm(const UserLimits& limits, std::uint32_t n_data) {
  UserAccounting a(limits);
  ConnectPeer(a, kRoot);  // PID 1
  ConnectPeer(a, kRoot);  // logind
  for (std::uint32_t length : {145u, 146u, 144u, 118u}) {  // logind's rules (section 7)
    a.Charge(kRoot, kRoot, UserSlot::kBytes, MatchRuleCharge(length));
    a.Charge(kRoot, kRoot, UserSlot::kMatches, 1);
  }
  StormOutcome out;
  for (;;) {
    // socket_dequeue(): the fixed header, then the rest, each released once complete.
    ChargeResult header = a.Charge(kRoot, kRoot, UserSlot::kBytes, kMessageHeaderBytes);
    if (!header.ok) break;
    a.Release(header.charge);
    ChargeResult rest = a.Charge(kRoot, kRoot, UserSlot::kBytes, n_data - kMessageHeaderBytes);
    if (!rest.ok) break;
    a.Release(rest.charge);
    // driver_forward_broadcast() -> connection_queue(logind, NULL, ...): a self-charge.
    if (!a.Charge(kRoot, kRoot, UserSlot::kBytes, MessageCharge(n_data)).ok) {
      out.remainder = a.remaining(kRoot, UserSlot::kBytes);
      return out;
    }
    ++out.queued;
  }
  out.remainder = a.remaining(kRoot, UserSlot::kBytes);
  out.pid1_cut = true;
  return out;
}

}  // namespace

TEST_CASE("the launcher's default limits give Debian 12's per-UID maxima", "[broker]") {
  // launcher.c: 64 connections per user times 8 MiB / 64 fds / 256 rules per connection; the
  // broker's own 16 Mi objects since the launcher passes no --max-objects:
  //   64 x 8,388,608 = 536,870,912; 64 x 64 = 4,096; 64 x 256 = 16,384; 16 x 1,048,576 = 16,777,216.
  // These are the arguments seen on the Debian binary: --max-bytes 536870912 --max-fds 4096
  // --max-matches 16384.
  const BrokerArgs args = BrokerArgsFromLauncher(LauncherLimits{});
  CHECK(args.max_bytes == 536870912u);
  CHECK(args.max_fds == 4096u);
  CHECK(args.max_matches == 16384u);
  CHECK(args.max_objects == 16777216u);
  const UserLimits limits = UserLimitsFromLauncher(LauncherLimits{});
  CHECK(limits.bytes == 536870912u);
  CHECK(limits.fds == 4096u);
  CHECK(limits.matches == 16384u);
  CHECK(limits.objects == 16777216u);
}

TEST_CASE("without the launcher the broker's built-in maxima apply", "[broker]") {
  // main.c: 512 x 1,048,576 = 536,870,912 bytes; 128 fds; 16 x 1,024 = 16,384 matches;
  // 16 x 1,048,576 = 16,777,216 objects (not docs/dbus-broker.rst's 16 MiB / 64 / 16k / 16k).
  const UserLimits limits = UserLimitsFromArgs(BrokerArgs{});
  CHECK(limits.bytes == 536870912u);
  CHECK(limits.fds == 128u);
  CHECK(limits.matches == 16384u);
  CHECK(limits.objects == 16777216u);
}

TEST_CASE("a lowered max_outgoing_bytes scales by the connections per user", "[broker]") {
  // The testbed's lowered pool: 65,536 x 64 = 4,194,304 bytes; the other maxima unchanged.
  LauncherLimits config;
  config.max_outgoing_bytes = 65536;
  const UserLimits limits = UserLimitsFromLauncher(config);
  CHECK(limits.bytes == 4194304u);
  CHECK(limits.fds == 4096u);
  CHECK(limits.matches == 16384u);
}

TEST_CASE("a per-UID maximum past 32 bits wraps modulo 2 to the 32", "[broker]") {
  // bus_init() takes unsigned int. dbus-daemon's 127 MiB = 133,169,152:
  //   x 64 = 8,522,825,728 - 4,294,967,296 = 4,227,858,432;
  //   x 256 = 34,091,302,912 - 7 x 4,294,967,296 (30,064,771,072) = 4,026,531,840.
  LauncherLimits config;
  config.max_outgoing_bytes = 133169152;
  CHECK(UserLimitsFromLauncher(config).bytes == 4227858432u);
  config.max_connections_per_user = 256;
  CHECK(UserLimitsFromLauncher(config).bytes == 4026531840u);
  // 64 MiB x 64 = 2^26 x 2^6 = 2^32, which wraps to 0: no byte can be charged at all.
  config.max_outgoing_bytes = 64ull * 1024 * 1024;
  config.max_connections_per_user = 64;
  CHECK(UserLimitsFromLauncher(config).bytes == 0u);
  // 2^33 x 2^32 overflows 64 bits: saturates at 2^64 - 1, whose low 32 bits are 4,294,967,295.
  config.max_connections_per_user = 1ull << 33;
  config.max_outgoing_bytes = 1ull << 32;
  CHECK(BrokerArgsFromLauncher(config).max_bytes == std::numeric_limits<std::uint64_t>::max());
  CHECK(UserLimitsFromLauncher(config).bytes == 4294967295u);
}

TEST_CASE("a queued message charges 1416 bytes plus its data on the receiver", "[broker]") {
  // sizeof(SocketBuffer) 96 + sizeof(Message) 1,320 = 1,416; a 700-byte message charges 2,116.
  CHECK(MessageCharge(0) == 1416u);
  CHECK(MessageCharge(700) == 2116u);
  // n_data = align8(16 + fields) + body: 16 + 100 = 116 -> 120, + 580 = 700; 16 + 104 = 120 stays.
  CHECK(MessageDataBytes(100, 580) == 700u);
  CHECK(MessageDataBytes(104, 580) == 700u);
  CHECK(MessageDataBytes(105, 580) == 708u);
}

TEST_CASE("logind's four match rules charge 5517 bytes", "[broker]") {
  // sizeof(MatchRule) 1,240 + length + 1: 145 -> 1,386; 146 -> 1,387; 144 -> 1,385; 118 -> 1,359;
  // together 1,386 + 1,387 + 1,385 + 1,359 = 5,517.
  CHECK(MatchRuleCharge(145) == 1386u);
  CHECK(MatchRuleCharge(146) == 1387u);
  CHECK(MatchRuleCharge(144) == 1385u);
  CHECK(MatchRuleCharge(118) == 1359u);
  UserAccounting a(UserLimitsFromLauncher(LauncherLimits{}));
  for (std::uint32_t length : {145u, 146u, 144u, 118u}) {
    REQUIRE(a.Charge(kRoot, kRoot, UserSlot::kBytes, MatchRuleCharge(length)).ok);
  }
  // 536,870,912 - 5,517 = 536,865,395.
  CHECK(a.remaining(kRoot, UserSlot::kBytes) == 536865395u);
}

TEST_CASE("the share check and its closed form agree at the boundary", "[broker]") {
  // Section 1.2: R = 9,000, n = 2, S = 0, c = 3,000: 3,000 x 3 - 0 = 9,000 <= 9,000, ok;
  // R = 8,999 fails. Closed form: floor(9,000 / 3) = 3,000, floor(8,999 / 3) = 2,999.
  CHECK(CrossChargeFits(9000, 2, 0, 3000));
  CHECK_FALSE(CrossChargeFits(8999, 2, 0, 3000));
  CHECK(CrossChargeCap(9000, 2, 0) == 3000u);
  CHECK(CrossChargeCap(8999, 2, 0) == 2999u);
  // R = 10,000, n = 1, S = 2,000, c = 3,000: 5,000 x 2 - 2,000 = 8,000 <= 10,000, ok. The cap is
  // floor(12,000 / 2) - 2,000 = 4,000: 6,000 x 2 - 2,000 = 10,000 passes, 4,001 gives 10,002.
  CHECK(CrossChargeFits(10000, 1, 2000, 3000));
  CHECK(CrossChargeCap(10000, 1, 2000) == 4000u);
  CHECK(CrossChargeFits(10000, 1, 2000, 4000));
  CHECK_FALSE(CrossChargeFits(10000, 1, 2000, 4001));
  // A share already above its cap: floor(3,000 / 2) = 1,500 < 2,000, nothing more fits.
  CHECK(CrossChargeCap(1000, 1, 2000) == 0u);
  // Overflow is a failure: (0 + 2^31) x 2 = 2^32 does not fit in 32 bits although R is 2^32 - 1.
  CHECK_FALSE(CrossChargeFits(4294967295u, 1, 0, 2147483648u));
  // The closed form is exact everywhere on a small grid (a property, not a hand number).
  for (std::uint32_t r = 0; r < 40; ++r) {
    for (std::uint32_t n = 1; n < 5; ++n) {
      for (std::uint32_t s = 0; s < 12; ++s) {
        const std::uint32_t cap = CrossChargeCap(r, n, s);
        CHECK((cap == 0 || CrossChargeFits(r, n, s, cap)));
        CHECK_FALSE(CrossChargeFits(r, n, s, cap + 1));
      }
    }
  }
}

TEST_CASE("a charge across UIDs may take only its share of what remains", "[broker]") {
  // Owner uid 1000 with 10,000 bytes self-charges 1,000 (its peer): R = 9,000 and one usage.
  // uid 0 then charges 3,000: its new usage makes n = 2, and 3,000 x 3 = 9,000 <= 9,000.
  UserAccounting a(BytesOnly(10000));
  REQUIRE(a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 1000).ok);
  CHECK(a.n_usages(kUser1000) == 1u);
  const ChargeResult r = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 3000);
  CHECK(r.ok);
  CHECK(a.n_usages(kUser1000) == 2u);
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 6000u);
  CHECK(a.consumed(kUser1000, kRoot, UserSlot::kBytes) == 3000u);
}

TEST_CASE("a cross-UID charge one byte over its share fails and reports what dbus-broker logs", "[broker]") {
  // As above with a self-charge of 1,001: R = 8,999 and 3,000 x 3 = 9,000 > 8,999. The log
  // fields: AMOUNT 3,000, N_ACTORS 2 (the new usage is counted), REMAINING 8,999, CONSUMED 0.
  UserAccounting a(BytesOnly(10000));
  REQUIRE(a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 1001).ok);
  const ChargeResult r = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 3000);
  CHECK_FALSE(r.ok);
  CHECK(r.slot == UserSlot::kBytes);
  CHECK(r.amount == 3000u);
  CHECK(r.n_actors == 2u);
  CHECK(r.remaining == 8999u);
  CHECK(r.consumed == 0u);
  CHECK(r.logged);
  CHECK(r.charge.amount == 0u);
  // Nothing was taken, and the usage made for the failed charge is gone with it.
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 8999u);
  CHECK(a.n_usages(kUser1000) == 1u);
}

TEST_CASE("a charge by the owner itself has no share limit", "[broker]") {
  // Section 7: the same 3,000-byte charge as a self-charge passes for any R >= 3,000 although
  // another UID holds a usage; R = 2,999 fails.
  UserAccounting a(BytesOnly(10000));
  // uid 0 takes 1,000 (n = 1: 1,000 x 2 <= 10,000), the owner 6,000: R = 3,000 and n = 2, where
  // uid 0 could add only floor((3,000 + 1,000) / 3) - 1,000 = 333 more.
  REQUIRE(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 1000).ok);
  REQUIRE(a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 6000).ok);
  CHECK(CrossChargeCap(a.remaining(kUser1000, UserSlot::kBytes), a.n_usages(kUser1000), 1000) == 333u);
  CHECK(a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 3000).ok);
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 0u);
  UserAccounting b(BytesOnly(10000));
  REQUIRE(b.Charge(kUser1000, kUser1000, UserSlot::kBytes, 7001).ok);
  const ChargeResult r = b.Charge(kUser1000, kUser1000, UserSlot::kBytes, 3000);
  CHECK_FALSE(r.ok);
  CHECK(r.remaining == 2999u);
  CHECK(r.consumed == 7001u);  // the owner's own usage holds its earlier charge
  CHECK(r.n_actors == 1u);
}

TEST_CASE("an actor's earlier share counts against its next charge", "[broker]") {
  // Section 1.2 with a share: owner uid 1000 (12,000 bytes, no self-usage). uid 0 charges 2,000:
  // n = 1, 2,000 x 2 = 4,000 <= 12,000. Then R = 10,000, S = 2,000 and 3,000 passes
  // (5,000 x 2 - 2,000 = 8,000 <= 10,000). Now R = 7,000, S = 5,000: the cap is
  // floor(12,000 / 2) - 5,000 = 1,000, so 1,001 fails and 1,000 passes.
  UserAccounting a(BytesOnly(12000));
  REQUIRE(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 2000).ok);
  CHECK(a.n_usages(kUser1000) == 1u);
  CHECK(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 3000).ok);
  const ChargeResult over = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 1001);
  CHECK_FALSE(over.ok);
  CHECK(over.remaining == 7000u);
  CHECK(over.consumed == 5000u);
  CHECK(over.n_actors == 1u);
  CHECK(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 1000).ok);
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 6000u);
}

TEST_CASE("a root sender streaming to uid 1000 gets a third then a quarter of its free bytes", "[broker]") {
  // Section 1.2 streaming example. uid 1000: 536,870,912 bytes, self-consumption 8,192, so
  // R0 = 536,862,720. uid 0 queues 700-byte unicasts, 2,116 bytes each.
  // n = 2: cap floor(536,862,720 / 3) = 178,954,240; 84,571 x 2,116 = 178,952,236 fits and one
  // more (178,954,352) does not: 84,571 accepted, the 84,572nd fails holding 178,952,236.
  const UserLimits limits = UserLimitsFromLauncher(LauncherLimits{});
  UserAccounting a(limits);
  REQUIRE(a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 8192).ok);
  std::vector<UserCharge> queued;
  ChargeResult r;
  while ((r = a.Charge(kUser1000, kRoot, UserSlot::kBytes, MessageCharge(700))).ok) queued.push_back(r.charge);
  CHECK(queued.size() == 84571u);
  CHECK(r.consumed == 178952236u);
  CHECK(r.n_actors == 2u);
  CHECK(r.logged);
  for (UserCharge& c : queued) a.Release(c);
  queued.clear();
  // A third UID holding anything on uid 1000, here one reply slot (objects), makes n = 3: usages
  // are counted per UID, not per slot. Cap floor(536,862,720 / 4) = 134,215,680;
  // 63,428 x 2,116 = 134,213,648 fits, 63,429 x 2,116 = 134,215,764 does not.
  REQUIRE(a.Charge(kUser1000, kUser1001, UserSlot::kObjects, 1).ok);
  while ((r = a.Charge(kUser1000, kRoot, UserSlot::kBytes, MessageCharge(700))).ok) queued.push_back(r.charge);
  CHECK(queued.size() == 63428u);
  CHECK(r.consumed == 134213648u);
  CHECK(r.n_actors == 3u);
}

TEST_CASE("a failure is logged once while its usage lives and again after it died", "[broker]") {
  // user_charge_commit_log() marks the usage; the mark dies with the usage.
  UserAccounting a(BytesOnly(100));
  ChargeResult held = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 10);  // 10 x 2 = 20 <= 100
  REQUIRE(held.ok);
  // R = 90, S = 10, n = 1: cap floor(100 / 2) - 10 = 40; 41 fails twice, logged only the first time.
  CHECK(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 41).logged);
  CHECK_FALSE(a.Charge(kUser1000, kRoot, UserSlot::kBytes, 41).logged);
  a.Release(held.charge);
  // No charge holds the usage any more; the next failure (cap floor(100 / 2) = 50) logs again.
  const ChargeResult again = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 51);
  CHECK_FALSE(again.ok);
  CHECK(again.logged);
}

TEST_CASE("release restores the pool and drops the usage", "[broker]") {
  UserAccounting a(BytesOnly(10000));
  ChargeResult self = a.Charge(kUser1000, kUser1000, UserSlot::kBytes, 1000);
  ChargeResult cross = a.Charge(kUser1000, kRoot, UserSlot::kBytes, 3000);
  REQUIRE((self.ok && cross.ok));
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 6000u);
  a.Release(cross.charge);
  // 6,000 + 3,000 = 9,000; uid 0's usage is gone: n back to 1, and its share back to 0.
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 9000u);
  CHECK(a.n_usages(kUser1000) == 1u);
  CHECK(a.consumed(kUser1000, kRoot, UserSlot::kBytes) == 0u);
  CHECK(cross.charge.amount == 0u);
  a.Release(cross.charge);  // an empty handle: no-op
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 9000u);
  a.Release(self.charge);
  CHECK(a.remaining(kUser1000, UserSlot::kBytes) == 10000u);
  CHECK(a.n_usages(kUser1000) == 0u);
}

TEST_CASE("a charge of zero takes nothing and creates no usage", "[broker]") {
  // user_charge(): "no charge, no work", before any usage is looked up; a message with no fds.
  UserAccounting a(BytesOnly(10));
  const ChargeResult r = a.Charge(kUser1000, kRoot, UserSlot::kFds, 0);
  CHECK(r.ok);
  CHECK(r.charge.amount == 0u);
  CHECK(a.n_usages(kUser1000) == 0u);
}

TEST_CASE("a stalled logind fills root's default byte pool and is cut before PID 1", "[broker]") {
  // Section 7. R0 = 536,870,912 - 2,688 (PID 1) - 2,688 (logind) - 5,517 (rules) = 536,860,019.
  // Each signal charges c = 1,416 + n on logind; K = floor(R0 / c) fit, r = R0 - K c remains. The
  // next message's input (16, then n - 16) fits in r, logind's c does not: logind is the victim.
  //   n = 600: c = 2,016, 266,299 x 2,016 = 536,858,784, r = 1,235 (584 <= 1,235);
  //   n = 700: c = 2,116, 253,714 x 2,116 = 536,858,824, r = 1,195 (684 <= 1,195);
  //   n = 885: c = 2,301, 233,315 x 2,301 = 536,857,815, r = 2,204 (869 <= 2,204);
  //   n = 900: c = 2,316, 231,804 x 2,316 = 536,858,064, r = 1,955 (884 <= 1,955).
  const UserLimits limits = UserLimitsFromLauncher(LauncherLimits{});
  struct Case {
    std::uint32_t n, queued, remainder;
  };
  for (const Case& c : {Case{600, 266299, 1235}, Case{700, 253714, 1195}, Case{885, 233315, 2204},
                        Case{900, 231804, 1955}}) {
    const StormOutcome out = Storm(limits, c.n);
    CHECK(out.queued == c.queued);
    CHECK(out.remainder == c.remainder);
    CHECK_FALSE(out.pid1_cut);
  }
}

TEST_CASE("with a lowered byte pool PID 1's own input charge fails first", "[broker]") {
  // Section 7: max_outgoing_bytes 65,536 -> 4,194,304; R0 = 4,194,304 - 10,893 = 4,183,411;
  // 1,977 x 2,116 = 4,183,332, r = 79. The next message's header (16) fits, its rest (684) does
  // not: PID 1 is cut ("perform an operation").
  LauncherLimits config;
  config.max_outgoing_bytes = 65536;
  const StormOutcome out = Storm(UserLimitsFromLauncher(config), 700);
  CHECK(out.queued == 1977u);
  CHECK(out.remainder == 79u);
  CHECK(out.pid1_cut);
}

TEST_CASE("the 4097th root connection fails on its fd after its bytes were charged", "[broker]") {
  // Section 7 FDs: 4,096 fds per UID, one per connection. 4,096 connections leave 0 fds (their
  // bytes: 4,096 x 2,688 = 11,010,048, far below the pool). The next one charges 2,688 bytes,
  // then 1 fd > 0 fails: slot FDs, AMOUNT 1, REMAINING 0, CONSUMED 4,096, N_ACTORS 1.
  UserAccounting a(UserLimitsFromLauncher(LauncherLimits{}));
  for (int i = 0; i < 4095; ++i) REQUIRE(ConnectPeer(a, kRoot).ok);
  CHECK(a.remaining(kRoot, UserSlot::kFds) == 1u);
  REQUIRE(ConnectPeer(a, kRoot).ok);  // the 4,096th still connects
  CHECK(a.remaining(kRoot, UserSlot::kFds) == 0u);
  CHECK(a.remaining(kRoot, UserSlot::kBytes) == 536870912u - 11010048u);
  PeerCharges last = ConnectPeer(a, kRoot);
  CHECK_FALSE(last.ok);
  CHECK(last.failed.slot == UserSlot::kFds);
  CHECK(last.failed.amount == 1u);
  CHECK(last.failed.remaining == 0u);
  CHECK(last.failed.consumed == 4096u);
  CHECK(last.failed.n_actors == 1u);
  REQUIRE(last.held.size() == 1u);  // its bytes, given back when the peer is freed
  a.Release(last.held[0]);
  CHECK(a.remaining(kRoot, UserSlot::kBytes) == 536870912u - 11010048u);
}

TEST_CASE("the 16385th distinct root match rule is refused", "[broker]") {
  // Section 7 matches: 16,384 per UID. match_rule_new() charges the bytes, then one match. With
  // 16,384 rules of 118 characters (16,384 x 1,359 = 22,265,856 bytes) the next rule's bytes fit
  // and its match does not: REMAINING 0, CONSUMED 16,384.
  UserAccounting a(UserLimitsFromLauncher(LauncherLimits{}));
  for (int i = 0; i < 16384; ++i) {
    REQUIRE(a.Charge(kRoot, kRoot, UserSlot::kBytes, MatchRuleCharge(118)).ok);
    REQUIRE(a.Charge(kRoot, kRoot, UserSlot::kMatches, 1).ok);
  }
  CHECK(a.remaining(kRoot, UserSlot::kBytes) == 536870912u - 22265856u);
  ChargeResult bytes = a.Charge(kRoot, kRoot, UserSlot::kBytes, MatchRuleCharge(118));
  REQUIRE(bytes.ok);
  const ChargeResult match = a.Charge(kRoot, kRoot, UserSlot::kMatches, 1);
  CHECK_FALSE(match.ok);
  CHECK(match.slot == UserSlot::kMatches);
  CHECK(match.remaining == 0u);
  CHECK(match.consumed == 16384u);
  a.Release(bytes.charge);  // the rule is freed: AddMatch answers LimitsExceeded
  CHECK(a.remaining(kRoot, UserSlot::kBytes) == 536870912u - 22265856u);
}

TEST_CASE("a caller from another UID may pin at most a third of root's free objects", "[broker]") {
  // Section 7 objects: 16,777,216 per UID. Root holds P = 3 peers and N = 2 names: R = 16,777,211.
  // Reply slots of calls from uid 1000 into root services are charged on root with actor uid 1000:
  // n = 2, cap floor(16,777,211 / 3) = 5,592,403 (3 x 5,592,403 = 16,777,209). One more fails:
  // (5,592,404 x 3 - 5,592,403 = 11,184,809) > R = 16,777,211 - 5,592,403 = 11,184,808.
  UserAccounting a(UserLimitsFromLauncher(LauncherLimits{}));
  for (int i = 0; i < 3; ++i) REQUIRE(ConnectPeer(a, kRoot).ok);
  for (int i = 0; i < 2; ++i) REQUIRE(a.Charge(kRoot, kRoot, UserSlot::kObjects, 1).ok);
  CHECK(a.remaining(kRoot, UserSlot::kObjects) == 16777211u);
  // The slots, charged at once as one amount: the same arithmetic as 5,592,403 single charges.
  REQUIRE(a.Charge(kRoot, kUser1000, UserSlot::kObjects, 5592403).ok);
  const ChargeResult r = a.Charge(kRoot, kUser1000, UserSlot::kObjects, 1);
  CHECK_FALSE(r.ok);
  CHECK(r.remaining == 11184808u);
  CHECK(r.consumed == 5592403u);
  CHECK(r.n_actors == 2u);
  // Root's own calls into root services are self-charges: all of the rest is theirs.
  CHECK(a.Charge(kRoot, kRoot, UserSlot::kObjects, 11184808).ok);
  CHECK(a.remaining(kRoot, UserSlot::kObjects) == 0u);
}
