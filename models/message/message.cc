#include "models/message/message.h"

#include "mountstorm/error.h"

namespace mountstorm {

const char* MemberName(Member m) {
  switch (m) {
    case Member::kUnitNew: return "UnitNew";
    case Member::kUnitRemoved: return "UnitRemoved";
    case Member::kPropertiesChanged: return "PropertiesChanged";
    case Member::kJobNew: return "JobNew";
    case Member::kJobRemoved: return "JobRemoved";
    case Member::kReloading: return "Reloading";
    case Member::kNameOwnerChanged: return "NameOwnerChanged";
    case Member::kStartTransientUnit: return "StartTransientUnit";
    case Member::kCreateSession: return "CreateSession";
    case Member::kMethodReturn: return "MethodReturn";
    case Member::kError: return "Error";
    case Member::kCount: break;
  }
  return "?";
}

const char* MessageTypeName(MessageType t) {
  switch (t) {
    case MessageType::kSignal: return "signal";
    case MessageType::kMethodCall: return "method_call";
    case MessageType::kMethodReturn: return "method_return";
    case MessageType::kError: return "error";
  }
  return "?";
}

const char* ErrorNameText(ErrorName e) {
  switch (e) {
    case ErrorName::kNoBufs: return "System.Error.ENOBUFS";
    case ErrorName::kTimedOut: return "System.Error.ETIMEDOUT";
    case ErrorName::kLimitsExceeded: return "org.freedesktop.DBus.Error.LimitsExceeded";
    case ErrorName::kNone: break;
  }
  return "org.freedesktop.DBus.Error.Failed";
}

Interface InterfaceOf(Member m) {
  switch (m) {
    case Member::kUnitNew:
    case Member::kUnitRemoved:
    case Member::kJobNew:
    case Member::kJobRemoved:
    case Member::kReloading:
    case Member::kStartTransientUnit:
      return Interface::kSystemdManager;
    case Member::kCreateSession:
      return Interface::kLogindManager;
    case Member::kPropertiesChanged:
      return Interface::kProperties;
    case Member::kNameOwnerChanged:
      return Interface::kDBus;
    case Member::kMethodReturn:
    case Member::kError:
    case Member::kCount:
      break;
  }
  return Interface::kNone;
}

const char* InterfaceName(Interface i) {
  switch (i) {
    case Interface::kSystemdManager: return "org.freedesktop.systemd1.Manager";
    case Interface::kLogindManager: return "org.freedesktop.login1.Manager";
    case Interface::kProperties: return "org.freedesktop.DBus.Properties";
    case Interface::kDBus: return "org.freedesktop.DBus";
    case Interface::kNone: return "";
  }
  return "";
}

const char* ChangedInterfaceName(ChangedInterface c) {
  switch (c) {
    case ChangedInterface::kMount: return "org.freedesktop.systemd1.Mount";
    case ChangedInterface::kDevice: return "org.freedesktop.systemd1.Device";
    case ChangedInterface::kScope: return "org.freedesktop.systemd1.Scope";
    case ChangedInterface::kSocket: return "org.freedesktop.systemd1.Socket";
    case ChangedInterface::kUnit: return "org.freedesktop.systemd1.Unit";
    case ChangedInterface::kNone: break;
  }
  return "";
}

}  // namespace mountstorm
