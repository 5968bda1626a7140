// dbus-broker 33's per-UID quotas (src/util/user.c); the contract is in user_accounting.h.
#include "models/dbus/broker/user_accounting.h"

#include <cassert>
#include <limits>
#include <utility>

namespace mountstorm::broker {

namespace {

constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();

// src/util/misc.c util_umul64_saturating(): a * b, or 2^64 - 1 on overflow.
std::uint64_t SaturatingMultiply(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > kUint64Max / a) return kUint64Max;
  return a * b;
}

// bus_init() takes unsigned int: the uint64_t argument keeps its low 32 bits.
std::uint32_t Truncate(std::uint64_t value) { return static_cast<std::uint32_t>(value); }

std::size_t Index(UserSlot slot) { return static_cast<std::size_t>(slot); }

}  // namespace

std::uint32_t UserLimits::of(UserSlot slot) const {
  switch (slot) {
    case UserSlot::kBytes:
      return bytes;
    case UserSlot::kFds:
      return fds;
    case UserSlot::kMatches:
      return matches;
    case UserSlot::kObjects:
      return objects;
  }
  return 0;
}

BrokerArgs BrokerArgsFromLauncher(const LauncherLimits& config) {
  // launcher_parse_config(): "Convert the per-connection limits into per-user limits."
  BrokerArgs args;
  args.max_bytes = SaturatingMultiply(config.max_connections_per_user, config.max_outgoing_bytes);
  args.max_fds = SaturatingMultiply(config.max_connections_per_user, config.max_outgoing_unix_fds);
  args.max_matches =
      SaturatingMultiply(config.max_connections_per_user, config.max_match_rules_per_connection);
  // launcher_run_child() passes no --max-objects: max_objects keeps main.c's default.
  return args;
}

UserLimits UserLimitsFromArgs(const BrokerArgs& args) {
  return UserLimits{Truncate(args.max_bytes), Truncate(args.max_fds), Truncate(args.max_matches),
                    Truncate(args.max_objects)};
}

UserLimits UserLimitsFromLauncher(const LauncherLimits& config) {
  return UserLimitsFromArgs(BrokerArgsFromLauncher(config));
}

std::uint32_t MessageCharge(std::uint32_t n_data) {
  return kSocketBufferBytes + kMessageBytes + n_data;
}

std::uint32_t MessageDataBytes(std::uint32_t header_fields_bytes, std::uint32_t body_bytes) {
  const std::uint32_t header = kMessageHeaderBytes + header_fields_bytes;
  return (header + 7u) / 8u * 8u + body_bytes;
}

std::uint32_t MatchRuleCharge(std::uint32_t rule_length) {
  return kMatchRuleBytes + rule_length + 1;
}

bool CrossChargeFits(std::uint32_t remaining, std::uint32_t n_usages, std::uint32_t share,
                     std::uint32_t amount) {
  // user_charge_check(): A(users) = users + 1, every step checked for unsigned int overflow.
  std::uint32_t limit = 0;
  return !__builtin_add_overflow(share, amount, &limit) &&
         !__builtin_mul_overflow(limit, n_usages + 1u, &limit) &&
         !__builtin_sub_overflow(limit, share, &limit) && limit <= remaining;
}

std::uint32_t CrossChargeCap(std::uint32_t remaining, std::uint32_t n_usages, std::uint32_t share) {
  const std::uint64_t pool = std::uint64_t{remaining} + share;
  const std::uint64_t total = pool / (std::uint64_t{n_usages} + 1);
  return total > share ? static_cast<std::uint32_t>(total - share) : 0;
}

UserAccounting::User& UserAccounting::UserOf(UserId id) {
  // user_registry_ref_user() + user_new(): a new UID starts with every slot at its maximum.
  while (users_.size() <= id) {
    User user;
    for (std::size_t s = 0; s < kUserSlotCount; ++s) {
      user.remaining[s] = limits_.of(static_cast<UserSlot>(s));
    }
    users_.push_back(std::move(user));
  }
  return users_[id];
}

UserAccounting::Usage& UserAccounting::RefUsage(User& user, UserId actor) {
  // user_ref_usage(): a new usage is linked, and counted in n_usages, before any check.
  if (user.usages.size() <= actor) user.usages.resize(std::size_t{actor} + 1);
  Usage& usage = user.usages[actor];
  if (usage.refs++ == 0) ++user.n_usages;
  return usage;
}

void UserAccounting::UnrefUsage(User& user, Usage& usage) {
  // user_usage_free() when the last reference goes: unlinked, and its "logged" mark is gone.
  assert(usage.refs > 0);
  if (--usage.refs > 0) return;
  --user.n_usages;
  usage = Usage{};
}

bool UserAccounting::Fits(const User& user, const Usage& usage, bool self, std::size_t slot,
                          std::uint32_t amount) {
  // user_charge(): "never apply quotas on self-charge".
  if (self) return amount <= user.remaining[slot];
  return CrossChargeFits(user.remaining[slot], user.n_usages, usage.slots[slot], amount);
}

ChargeResult UserAccounting::Charge(UserId user_id, UserId actor, UserSlot slot,
                                    std::uint32_t amount) {
  ChargeResult result;
  if (amount == 0) return result;  // "no charge, no work": no usage either
  User& user = UserOf(user_id);
  Usage& usage = RefUsage(user, actor);
  const std::size_t s = Index(slot);
  if (Fits(user, usage, actor == user_id, s, amount)) {
    user.remaining[s] -= amount;
    usage.slots[s] += amount;
    result.charge = UserCharge{user_id, actor, slot, amount};
    return result;  // the handle keeps the reference
  }
  // user_charge_commit_log(): the fields as they stand, the line only once per usage.
  result.ok = false;
  result.slot = slot;
  result.amount = amount;
  result.n_actors = user.n_usages;
  result.remaining = user.remaining[s];
  result.consumed = usage.slots[s];
  result.logged = !usage.logged;
  usage.logged = true;
  UnrefUsage(user, usage);  // the caller frees what failed to be charged
  return result;
}

void UserAccounting::Release(UserCharge& charge) {
  // user_charge_deinit(): back to the owner's pool, off the actor's share.
  if (charge.amount == 0) return;
  User& user = users_.at(charge.user);
  Usage& usage = user.usages.at(charge.actor);
  const std::size_t s = Index(charge.slot);
  user.remaining[s] += charge.amount;
  usage.slots[s] -= charge.amount;
  UnrefUsage(user, usage);
  charge = UserCharge{};
}

std::uint32_t UserAccounting::remaining(UserId user, UserSlot slot) const {
  if (user >= users_.size()) return limits_.of(slot);
  return users_[user].remaining[Index(slot)];
}

std::uint32_t UserAccounting::consumed(UserId user, UserId actor, UserSlot slot) const {
  if (user >= users_.size() || actor >= users_[user].usages.size()) return 0;
  return users_[user].usages[actor].slots[Index(slot)];
}

std::uint32_t UserAccounting::n_usages(UserId user) const {
  return user < users_.size() ? users_[user].n_usages : 0;
}

}  // namespace mountstorm::broker
