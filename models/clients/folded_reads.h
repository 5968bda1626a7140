// FoldedReads: a subscriber's reads run without the event list (the train engine; docs/
// ARCHITECTURE.md, "Step 7, folded reads").
//
// While every message that reaches a subscriber through the relay is one it handles quietly
// (Subscriber::HandlesQuietly(), reads that wake nobody, no busy period), its steps depend on
// nothing but the times its messages land, until an event of its own (a busy period starts).
// It then runs them itself, as a Settler (sim/settler.h): it keeps the events it would have had
// in the list (its wakes and the ends of its steps, each with the insertion order reserved when
// the list would have been given it), and runs them when the relay is about to step or be
// woken, or when the run stops: the only moments at which what it reads can matter to anyone.
// Those events and their effects (the socket's gauge, the delay probe, the counts and the busy
// time) come in the same order as through the list, so the run is the same, while the relay's
// steps, with nothing of the reader's between them in the list, run in place back to back.
//
// This struct is the state the list would hold for such a subscriber; the steps are
// Subscriber::StepFolded(), or, while one event is pending at a time, the loop of
// Subscriber::SettleQuietReads() (models/clients/folded_reads.cc), which takes the messages in
// one pass over the socket where no delay probe or busy area looks at each read
// (KernelSocket::ReadInSteps(): the counts, and the gauge's sum), and, where it keeps up with the
// relay's iterations, in O(1) (Subscriber::SettleKeepingUp(), KernelSocket::ReadKeepingUp(), over
// the relay's writes whose gauge changes the socket deferred). The socket asks the reader
// whether it stays folded only about messages of members it may not read quietly
// (FoldingReader::QuietMembers()).
#ifndef MOUNTSTORM_MODELS_CLIENTS_FOLDED_READS_H_
#define MOUNTSTORM_MODELS_CLIENTS_FOLDED_READS_H_

#include <array>
#include <cstdint>

#include "mountstorm/error.h"
#include "mountstorm/time.h"

namespace mountstorm {

struct FoldedReads {
  // An event of the subscriber in the event list's order: (at, seq).
  struct Pending {
    Time at = 0;
    std::uint64_t seq = 0;
    bool Before(Time t, std::uint64_t s) const { return at < t || (at == t && seq < s); }
  };
  // The wakes pending: one armed by the writer while the subscriber was in a step and one armed by
  // the subscriber itself at most, in practice; the writer adds at most one per write.
  static constexpr int kMaxWakes = 8;

  bool running = false;       // in a step, up to its end: it holds a CPU
  bool step_pending = false;  // the end of its step, at `step_done`
  Pending step_done;
  std::array<Pending, kMaxWakes> wakes{};  // in the order of the run; one per time armed
  int n_wakes = 0;
  Time last = 0;  // the time of the last event run

  // The one event pending, if only one is: the end of the step that read a message (it holds the
  // CPU; *step_end true), or the wake for the next message (the CPU is free; false).
  bool OnePending(Pending* first, bool* step_end) const {
    if (step_pending && n_wakes == 0) {
      *first = step_done;
      *step_end = true;
      return true;
    }
    if (!step_pending && n_wakes == 1 && !running) {
      *first = wakes[0];
      *step_end = false;
      return true;
    }
    return false;
  }
  // Room for what one more write can add.
  bool HasRoom() const { return n_wakes < kMaxWakes; }
  // Server::WakeAt(): one wake per time.
  bool Armed(Time at) const {
    for (int i = 0; i < n_wakes; ++i) {
      if (wakes[i].at == at) return true;
    }
    return false;
  }
  void AddWake(const Pending& p) {
    Check(n_wakes < kMaxWakes, "too many folded wakes");
    int i = n_wakes++;
    for (; i > 0 && !wakes[i - 1].Before(p.at, p.seq); --i) wakes[i] = wakes[i - 1];
    wakes[i] = p;
  }
  void PopWake() {
    for (int i = 1; i < n_wakes; ++i) wakes[i - 1] = wakes[i];
    --n_wakes;
  }
  // The first pending event is a wake (rather than the end of the step).
  bool WakeFirst() const {
    return n_wakes > 0 && (!step_pending || wakes[0].Before(step_done.at, step_done.seq));
  }
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_CLIENTS_FOLDED_READS_H_
