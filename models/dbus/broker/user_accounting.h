// UserAccounting: dbus-broker 33's per-UID quotas (src/util/user.c), the first part of
// dbus-broker as the second relay (docs/research/dbus-broker-model.md sections 1, 2 and 7).
//
// Every UID has four slots, each a pool of `remaining` units that starts at the slot's maximum
// (user_new()): bytes, file descriptors, match rules and objects (peers, owned names, pending
// reply slots). A charge takes `amount` units from one slot of the OWNER (the UID that holds the
// resource: the receiver of a queued message, the peer's own UID for everything else) on behalf
// of an ACTOR (user_charge()):
//   - amount 0 is a no-op: it creates no usage and always succeeds;
//   - a self-charge (actor == owner) fails iff amount > remaining; there is no share limit;
//   - a cross-UID charge passes user_charge_check():
//         (share + amount) * (n_usages + 1) - share <= remaining,
//     any 32-bit overflow counting as a failure, where share is what this actor already holds on
//     this owner's slot and n_usages is the number of (owner, actor) usages alive on the owner,
//     the owner's own self-usage and this actor's included (a new usage is linked BEFORE the
//     check, user_ref_usage()). In closed form (CrossChargeCap()): share + amount may be at most
//     floor((remaining + share) / (n_usages + 1));
//   - a failed charge takes nothing. Its failure carries the fields dbus-broker logs, once per
//     usage, as "UID <actor> exceeded its '<slot>' quota on UID <owner>."
//     (user_charge_commit_log(): DBUS_BROKER_USER_CHARGE_{USER,ACTOR,AMOUNT,N_ACTORS,SLOT,
//     REMAINING,CONSUMED});
//   - Release() gives a successful charge back (user_charge_deinit()).
// A usage lives while some charge holds it (UserUsage n_refs). Every v33 caller frees the object
// whose charge failed (socket_buffer_new_message(), peer_new_with_fd(), match_rule_new(),
// reply_slot_new(), name_ownership_new() all free it on error), so a failed charge here holds no
// usage after it returns: a usage created only for it dies again and its "logged" mark with it.
// None of the charges of the research note's section 1.3 is made on an already charged UserCharge
// (iqueue_set_target() asserts no pending target; socket_recvmsg() charges fds only when none are
// pending), so every Charge() returns a fresh handle and user_charge()'s accumulation is left out.
//
// UIDs are small ids the caller assigns (say 0 for root, 1 for uid 1000): the tables are vectors
// indexed by id and grow, filled at the maxima, the first time an id is seen; nothing else
// allocates. Values only: no strings, no time.
//
// The per-UID maxima come from the launcher (UserLimitsFromLauncher(), src/launch/launcher.c
// launcher_parse_config() + launcher_run_child()) or from the broker's own defaults
// (src/broker/main.c main_arg_max_*), truncated to 32 bits by bus_init() (src/bus/bus.c).
// The amounts a queued message, a peer and a match rule charge are below (section 1.3 of the
// research note; struct sizes of v33 on x86_64).
//
// Names live in mountstorm::broker because they follow dbus-broker's own (User, UserCharge).
#ifndef MOUNTSTORM_MODELS_DBUS_BROKER_USER_ACCOUNTING_H_
#define MOUNTSTORM_MODELS_DBUS_BROKER_USER_ACCOUNTING_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mountstorm::broker {

// The four slots of src/util/user.h (USER_SLOT_BYTES, ..._FDS, ..._MATCHES, ..._OBJECTS), in
// their order; user_slot_to_string() logs them as "bytes", "FDs", "matches", "objects".
enum class UserSlot : std::uint8_t { kBytes = 0, kFds = 1, kMatches = 2, kObjects = 3 };
inline constexpr std::size_t kUserSlotCount = 4;

// A UID as the caller numbers them: an index, not the UID itself.
using UserId = std::uint32_t;

// The per-UID maxima, one per slot: bus_init()'s `maxima[]` (unsigned int).
struct UserLimits {
  std::uint32_t bytes = 0;
  std::uint32_t fds = 0;
  std::uint32_t matches = 0;
  std::uint32_t objects = 0;

  std::uint32_t of(UserSlot slot) const;
};

// The four <limit>s of the bus configuration that launcher_parse_config() reads (every other
// limit dbus-daemon knows is parsed and ignored), with the launcher's defaults: the static
// main_max_* constants at the top of src/launch/launcher.c.
struct LauncherLimits {
  std::uint64_t max_outgoing_bytes = 8ull * 1024 * 1024;
  std::uint64_t max_outgoing_unix_fds = 64;
  std::uint64_t max_connections_per_user = 64;
  std::uint64_t max_match_rules_per_connection = 256;
};

// The broker's --max-bytes/--max-fds/--max-matches/--max-objects, with its own defaults
// (src/broker/main.c main_arg_max_bytes ... main_arg_max_objects), used when no launcher passes
// them.
struct BrokerArgs {
  std::uint64_t max_bytes = 512ull * 1024 * 1024;
  std::uint64_t max_fds = 128;
  std::uint64_t max_matches = 16ull * 1024;
  std::uint64_t max_objects = 16ull * 1024 * 1024;
};

// What the launcher passes to the broker: each per-connection limit times
// max_connections_per_user, saturating at 2^64 - 1 (launcher_parse_config(),
// util_umul64_saturating()); no --max-objects (launcher_run_child()), so the broker's default.
BrokerArgs BrokerArgsFromLauncher(const LauncherLimits& config);

// The maxima the broker accounts with: each argument truncated to unsigned int, mod 2^32, with no
// check (broker_new() passes uint64_t to bus_init(..., unsigned int ...)).
UserLimits UserLimitsFromArgs(const BrokerArgs& args);

// The two above: the maxima of a broker started by the launcher with `config`. Debian 12's stock
// configuration sets no limit: {536,870,912 bytes, 4,096 fds, 16,384 matches, 16,777,216 objects}.
UserLimits UserLimitsFromLauncher(const LauncherLimits& config);

// Struct sizes of dbus-broker v33 on x86_64, the amounts its charges are made of.
inline constexpr std::uint32_t kSocketBufferBytes = 96;   // sizeof(SocketBuffer), src/dbus/socket.c
inline constexpr std::uint32_t kMessageBytes = 1320;      // sizeof(Message), src/dbus/message.h
inline constexpr std::uint32_t kPeerBytes = 2688;         // sizeof(Peer), src/bus/peer.h
inline constexpr std::uint32_t kMatchRuleBytes = 1240;    // sizeof(MatchRule), src/bus/match.h
inline constexpr std::uint32_t kMessageHeaderBytes = 16;  // sizeof(MessageHeader), the fixed header

// Bytes charged on the receiver's UID for one queued copy of a message of n_data bytes
// (socket_buffer_new_message(): sizeof(SocketBuffer) + sizeof(Message) + n_data) = 1,416 + n_data.
// Every receiver's copy is charged in full, n_data as delivered: a peer's message with the 16-byte
// sender field the broker stitches in (message_stitch_sender(); the testbed's dbus-broker logs
// 1,650 for a UnitNew PID 1 wrote as 218 bytes, tests/testbed/relays.csv). The copy's FDs are a
// second charge, on the FDs slot, of the number of fds it carries.
std::uint32_t MessageCharge(std::uint32_t n_data);

// n_data of a message: its 16-byte fixed header and header fields padded to 8, then the body
// (message_new_incoming()).
std::uint32_t MessageDataBytes(std::uint32_t header_fields_bytes, std::uint32_t body_bytes);

// Bytes a match rule of `rule_length` characters charges on its subscriber's UID, besides one
// match (match_rule_new(): sizeof(MatchRule) + strlen + 1).
std::uint32_t MatchRuleCharge(std::uint32_t rule_length);

// True iff a cross-UID charge passes user_charge_check() (src/util/user.c): no 32-bit overflow
// and (share + amount) * (n_usages + 1) - share <= remaining.
bool CrossChargeFits(std::uint32_t remaining, std::uint32_t n_usages, std::uint32_t share,
                     std::uint32_t amount);

// The largest amount a cross-UID charge may take, the closed form of CrossChargeFits():
// floor((remaining + share) / (n_usages + 1)) - share, or 0 if that is negative. Exact, because
// remaining + share never exceeds the slot's maximum (< 2^32): an overflowing product is always
// also larger than remaining + share.
std::uint32_t CrossChargeCap(std::uint32_t remaining, std::uint32_t n_usages, std::uint32_t share);

// A successful charge, to give back with Release(): struct UserCharge of src/util/user.h, with the
// usage it pins named by (user, actor). A default or released handle holds nothing.
struct UserCharge {
  UserId user = 0;
  UserId actor = 0;
  UserSlot slot = UserSlot::kBytes;
  std::uint32_t amount = 0;  // 0: holds nothing
};

// The outcome of Charge(). On failure, the fields of user_charge_commit_log(), taken after the
// new usage (if any) was linked and before anything was charged.
struct ChargeResult {
  bool ok = true;
  UserCharge charge;  // what to Release(); empty when failed or amount == 0
  // On failure only:
  UserSlot slot = UserSlot::kBytes;
  std::uint32_t amount = 0;     // DBUS_BROKER_USER_CHARGE_AMOUNT
  std::uint32_t n_actors = 0;   // ..._N_ACTORS: the owner's n_usages
  std::uint32_t remaining = 0;  // ..._REMAINING: the owner's slot
  std::uint32_t consumed = 0;   // ..._CONSUMED: the actor's share of that slot on the owner
  bool logged = false;          // true iff this failure writes the log line (first for the usage)
};

class UserAccounting {
 public:
  explicit UserAccounting(const UserLimits& limits) : limits_(limits) {}

  // user_charge(): charges `amount` of `slot` on `user` on behalf of `actor` (actor == user for a
  // self-charge, dbus-broker's NULL actor).
  ChargeResult Charge(UserId user, UserId actor, UserSlot slot, std::uint32_t amount);
  // user_charge_deinit(): gives the charge back to its owner's pool and empties the handle; a
  // no-op on an empty handle.
  void Release(UserCharge& charge);

  const UserLimits& limits() const { return limits_; }
  // The owner's pool: User.slots[slot].n.
  std::uint32_t remaining(UserId user, UserSlot slot) const;
  // What `actor` holds on `user`'s slot: UserUsage.slots[slot].
  std::uint32_t consumed(UserId user, UserId actor, UserSlot slot) const;
  // The usages alive on `user`: User.n_usages.
  std::uint32_t n_usages(UserId user) const;

 private:
  struct Usage {  // struct UserUsage: (owner, actor)
    std::uint32_t refs = 0;  // charges holding it; alive iff > 0
    bool logged = false;
    std::array<std::uint32_t, kUserSlotCount> slots{};
  };
  struct User {  // struct User
    std::array<std::uint32_t, kUserSlotCount> remaining{};
    std::uint32_t n_usages = 0;
    std::vector<Usage> usages;  // by actor id
  };

  User& UserOf(UserId id);
  Usage& RefUsage(User& user, UserId actor);
  void UnrefUsage(User& user, Usage& usage);
  static bool Fits(const User& user, const Usage& usage, bool self, std::size_t slot,
                   std::uint32_t amount);

  UserLimits limits_;
  std::vector<User> users_;  // by user id
};

}  // namespace mountstorm::broker

#endif  // MOUNTSTORM_MODELS_DBUS_BROKER_USER_ACCOUNTING_H_
