// The relay interface's names (models/dbus/relay.h).
#include "models/dbus/relay.h"

namespace mountstorm {

const char* DisconnectCauseName(DisconnectCause c) {
  switch (c) {
    case DisconnectCause::kSubscribedSignal: return "subscribed-signal";
    case DisconnectCause::kReply: return "reply";
    case DisconnectCause::kDriverUnicast: return "driver-unicast";
    case DisconnectCause::kSenderInput: return "sender-input";
    case DisconnectCause::kMonitorCopy: return "monitor-copy";
  }
  return "";
}

}  // namespace mountstorm
