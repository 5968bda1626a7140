// LoginClient: a process that logs users in, sshd or crond, as far as pam_systemd goes: at each
// login it calls CreateSession on logind (org.freedesktop.login1.Manager) through dbus-daemon and
// waits for the reply, up to pam's own timeout (the sd-bus default of 25 s before v243, 2 min
// since, src/login/pam_systemd.c). The reply comes only once logind's scope job is done; an error
// reply carries the cause: ENOBUFS ("Failed to create session: No buffer space available"),
// ETIMEDOUT, or dbus-daemon's LimitsExceeded.
#ifndef MOUNTSTORM_MODELS_CLIENTS_LOGIN_CLIENT_H_
#define MOUNTSTORM_MODELS_CLIENTS_LOGIN_CLIENT_H_

#include <cstdint>
#include <vector>

#include "models/systemd/sdbus_connection.h"
#include "mountstorm/result.h"
#include "mountstorm/scenario.h"
#include "sim/server.h"

namespace mountstorm {

class LoginClient : public Server {
 public:
  struct Attempt {
    Time start = 0;
    Time end = kNever;
    std::uint32_t serial = 0;
    LoginOutcome outcome = LoginOutcome::kPending;
  };

  LoginClient(Simulator* sim, CpuPool* cpus, const LoginGenerator& generator, SdBusConnection* bus,
              const MessageSizeParams& sizes, std::uint16_t peer_id, std::uint16_t logind_peer);

  // Schedules every login.
  void Start();

  const std::vector<Attempt>& attempts() const { return attempts_; }
  SdBusConnection* bus() const { return bus_; }

 protected:
  Duration Step(Time now) override;
  void OnOwnEvent(Time now, EventTag tag) override;
  // Its events, each for one login (index: the attempt): the call, and pam's timeout.
  enum Kind : std::uint16_t { kLoginStarts = kFirstOwnKind, kLoginTimesOut };

 private:
  void Finish(std::size_t attempt, LoginOutcome outcome, Time t);

  LoginGenerator g_;
  SdBusConnection* bus_;
  const MessageSizeParams* sizes_;
  std::uint16_t peer_id_;
  std::uint16_t logind_peer_;
  std::vector<Attempt> attempts_;
  std::vector<std::size_t> attempt_of_serial_;  // [cookie - 1]: the attempt whose call it was
  std::uint32_t next_serial_ = 1;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_CLIENTS_LOGIN_CLIENT_H_
