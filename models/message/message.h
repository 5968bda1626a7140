// Message: one D-Bus message as it travels through the pipeline.
//
// A message is a small value: the object it is about, its member, its type, its sender and its
// marshalled size. No strings: names and object paths are derived from the ids only where a
// person reads them (summary keys, traces). This keeps a queued message at 20 bytes, so that a
// queue of 196,608 messages costs 4 MiB, not a heap node per message, and so that a run of
// identical messages can later be treated as one item.
#ifndef MOUNTSTORM_MODELS_MESSAGE_MESSAGE_H_
#define MOUNTSTORM_MODELS_MESSAGE_MESSAGE_H_

#include <array>
#include <cstdint>

#include "mountstorm/error.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// The members the pipeline carries. Signals of systemd's Manager interface
// (org.freedesktop.systemd1.Manager), the PropertiesChanged signal of
// org.freedesktop.DBus.Properties, method calls and their replies.
enum class Member : std::uint8_t {
  kUnitNew,
  kUnitRemoved,
  kPropertiesChanged,
  kJobNew,
  kJobRemoved,
  kReloading,
  kNameOwnerChanged,    // from the bus driver, org.freedesktop.DBus
  kStartTransientUnit,  // method call, logind -> PID 1 (org.freedesktop.systemd1.Manager)
  kCreateSession,       // method call, pam_systemd -> logind (org.freedesktop.login1.Manager)
  kMethodReturn,
  kError,
  kCount
};
constexpr int kMemberCount = static_cast<int>(Member::kCount);
const char* MemberName(Member m);

enum class MessageType : std::uint8_t { kSignal, kMethodCall, kMethodReturn, kError };

// For PropertiesChanged: the interface whose properties changed (the first argument). systemd
// sends one for the unit type's interface and one for org.freedesktop.systemd1.Unit.
enum class ChangedInterface : std::uint8_t { kNone, kMount, kDevice, kScope, kSocket, kUnit };

// For an error reply: its D-Bus error name.
enum class ErrorName : std::uint8_t {
  kNone,
  kNoBufs,          // System.Error.ENOBUFS: "No buffer space available"
  kTimedOut,        // System.Error.ETIMEDOUT: "Connection timed out"
  kLimitsExceeded,  // org.freedesktop.DBus.Error.LimitsExceeded, from dbus-daemon
};

// The D-Bus interface a member belongs to (the message header's INTERFACE field).
enum class Interface : std::uint8_t { kSystemdManager, kLogindManager, kProperties, kDBus, kNone };
Interface InterfaceOf(Member m);
const char* InterfaceName(Interface i);
// "signal", "method_call", "method_return" or "error", as busctl and dbus-monitor name them.
const char* MessageTypeName(MessageType t);
// The interface named by PropertiesChanged's first argument: "org.freedesktop.systemd1.Mount", ...
const char* ChangedInterfaceName(ChangedInterface c);
// The D-Bus error name an error reply carries (kNone: org.freedesktop.DBus.Error.Failed).
const char* ErrorNameText(ErrorName e);

// Object ids: a unit's or a job's id, or the manager object /org/freedesktop/systemd1.
constexpr std::uint32_t kManagerObject = 0xffffffffu;
constexpr std::uint16_t kBroadcast = 0xffff;              // a signal with no destination

struct Message {
  std::uint32_t object = kManagerObject;  // unit id or kManagerObject
  std::uint32_t bytes = 0;                // header + body as marshalled
  std::uint32_t serial = 0;               // cookie; a reply carries the call's cookie
  std::uint16_t sender = 0;               // peer id of the sending process
  std::uint16_t destination = kBroadcast; // peer id for unicast messages
  Member member = Member::kPropertiesChanged;
  MessageType type : 2 = MessageType::kSignal;
  ChangedInterface changed : 3 = ChangedInterface::kNone;  // PropertiesChanged only
  ErrorName error : 3 = ErrorName::kNone;                   // errors only
};
static_assert(sizeof(Message) <= 20, "a queued message should stay small");

// The marshalled size of a message of this kind, from the scenario's message_sizes.
inline std::uint32_t MessageBytes(const MessageSizeParams& sizes, Member m, ChangedInterface changed) {
  switch (m) {
    case Member::kPropertiesChanged:
      switch (changed) {
        case ChangedInterface::kMount: return sizes.properties_changed_mount;
        case ChangedInterface::kDevice: return sizes.properties_changed_device;
        case ChangedInterface::kScope: return sizes.properties_changed_scope;
        case ChangedInterface::kSocket: return sizes.properties_changed_socket;
        case ChangedInterface::kUnit:
        case ChangedInterface::kNone: return sizes.properties_changed_unit;
      }
      return sizes.properties_changed_unit;
    case Member::kUnitNew: return sizes.unit_new;
    case Member::kUnitRemoved: return sizes.unit_removed;
    case Member::kJobNew: return sizes.job_new;
    case Member::kJobRemoved: return sizes.job_removed;
    case Member::kStartTransientUnit: return sizes.start_transient_unit;
    case Member::kCreateSession: return sizes.create_session;
    case Member::kMethodReturn: return sizes.method_return;
    case Member::kError: return sizes.error;
    default: break;
  }
  Check(false, "no size is defined for this message kind");
  return 0;
}

// A message of `member` and `type` sent by peer `sender` with cookie `serial`, sized by `sizes`
// (for PropertiesChanged, by the interface `changed`).
inline Message NewMessage(const MessageSizeParams& sizes, Member member, MessageType type, std::uint16_t sender,
                          std::uint32_t serial, ChangedInterface changed = ChangedInterface::kNone) {
  Message m;
  m.member = member;
  m.type = type;
  m.changed = changed;
  m.sender = sender;
  m.serial = serial;
  m.bytes = MessageBytes(sizes, member, changed);
  return m;
}

// Per-member counters, indexed by Member.
using MemberCounts = std::array<std::uint64_t, kMemberCount>;

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_MESSAGE_MESSAGE_H_
