#include "models/kernel/workload.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "models/kernel/mount_table.h"
#include "sim/random_stream.h"

namespace mountstorm {

MountSpec ExpandSpec(const MountSpec& spec, int index) {
  return MountSpec{ExpandIndex(spec.path, index), ExpandIndex(spec.source, index),
                   ExpandIndex(spec.fstype, index), ExpandIndex(spec.options, index)};
}

std::string ExpandIndex(const std::string& text, int index) {
  // Whole pieces between the "{i}"s are appended at once: a mount's options run to a hundred
  // characters, and every mount of a storm expands four such texts.
  static constexpr std::string_view kMark = "{i}";
  std::string out;
  const std::string number = std::to_string(index);
  std::size_t i = 0;
  for (std::size_t at = text.find(kMark); at != std::string::npos; at = text.find(kMark, i)) {
    out.append(text, i, at - i);
    out += number;
    i = at + kMark.size();
  }
  out.append(text, i, std::string::npos);
  return out;
}

namespace {

void AddOp(std::vector<TimedMountOp>& ops, const WorkloadGenerator& g, int generator, int& index,
           Time at, MountOp op, MountSpec spec) {
  ops.push_back(TimedMountOp{at, generator, index++, op, spec});
  if (op == MountOp::kMount && g.expire_after > 0) {
    // autofs expiry: the mount is released after its idle timeout.
    ops.push_back(TimedMountOp{at + g.expire_after, generator, index++, MountOp::kUmount,
                               std::move(spec)});
  }
}

}  // namespace

std::vector<TimedMountOp> ExpandWorkload(const std::vector<WorkloadGenerator>& generators,
                                         std::uint64_t seed) {
  std::vector<TimedMountOp> ops;
  for (int gi = 0; gi < static_cast<int>(generators.size()); ++gi) {
    const WorkloadGenerator& g = generators[gi];
    RandomStream random(seed, "workload." + g.name);
    int index = 0;
    switch (g.kind) {
      case WorkloadGenerator::Kind::kList:
        for (const WorkloadGenerator::Op& op : g.ops) AddOp(ops, g, gi, index, op.at, op.op, op.spec);
        break;
      case WorkloadGenerator::Kind::kInterval: {
        Time t = g.start;
        for (int k = 0; k < g.count; ++k) {
          AddOp(ops, g, gi, index, t, g.op, ExpandSpec(g.spec, g.first_index + k));
          double factor = g.jitter > 0 ? random.Uniform(1.0 - g.jitter, 1.0 + g.jitter) : 1.0;
          t += static_cast<Duration>(static_cast<double>(g.interval) * factor);
        }
        break;
      }
      case WorkloadGenerator::Kind::kPoisson: {
        Time t = g.start;
        for (int k = 0; k < g.count; ++k) {
          t += FromSeconds(random.Exponential(1.0 / g.rate_per_s));
          AddOp(ops, g, gi, index, t, g.op, ExpandSpec(g.spec, g.first_index + k));
        }
        break;
      }
      case WorkloadGenerator::Kind::kBurst:
        for (int k = 0; k < g.count; ++k) {
          AddOp(ops, g, gi, index, g.start, g.op, ExpandSpec(g.spec, g.first_index + k));
        }
        break;
      case WorkloadGenerator::Kind::kSequence:
        break;  // a MountingProcess: its times depend on the CPU it gets

    }
  }
  std::stable_sort(ops.begin(), ops.end(), [](const TimedMountOp& a, const TimedMountOp& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.generator != b.generator) return a.generator < b.generator;
    return a.index < b.index;
  });
  return ops;
}

Workload::Workload(Simulator* sim, MountTable* table, std::vector<TimedMountOp> ops)
    : sim_(sim), table_(table), ops_(std::move(ops)) {}

void Workload::Start() {
  if (!ops_.empty()) sim_->Schedule(ops_[0].at, this);
}

void ApplyMountOp(MountTable* table, Time now, MountOp op, const MountSpec& spec) {
  switch (op) {
    case MountOp::kMount: table->Mount(now, spec); break;
    case MountOp::kUmount: table->Umount(now, spec.path); break;
    case MountOp::kRemount: table->Remount(now, spec.path, spec.options); break;
  }
}

void Workload::OnEvent(Time now, EventTag) {
  // Apply every operation due now, then wait for the next one.
  while (next_ < ops_.size() && ops_[next_].at <= now) {
    const TimedMountOp& op = ops_[next_++];
    ApplyMountOp(table_, now, op.op, op.spec);
  }
  if (next_ < ops_.size()) sim_->Schedule(ops_[next_].at, this);
}


MountingProcess::MountingProcess(Simulator* sim, CpuPool* cpus, MountTable* table,
                                 const WorkloadGenerator& generator, std::uint64_t seed)
    : Server(sim, cpus, "mounter." + generator.name),
      table_(table),
      g_(generator),
      random_(seed, "workload." + generator.name) {}

void MountingProcess::Start() {
  if (g_.count > 0) WakeAt(g_.start);
}

Duration MountingProcess::Step(Time) {
  if (state_ != State::kReady) return kNoWork;
  state_ = State::kOffCpu;
  return g_.cpu;
}

void MountingProcess::StepDone(Time now) {
  // The CPU part is over; the rest of the operation happens off the CPU.
  double factor = g_.jitter > 0 ? random_.Uniform(1.0 - g_.jitter, 1.0 + g_.jitter) : 1.0;
  Duration wait = static_cast<Duration>(static_cast<double>(g_.latency) * factor);
  sim()->Schedule(now + wait, this, {kOperationDone});
}

void MountingProcess::OnOwnEvent(Time now, EventTag tag) {
  if (tag.kind == kExpiry) {
    table_->Umount(now, expiring_.front());
    expiring_.pop_front();
    return;
  }
  MountSpec spec = ExpandSpec(g_.spec, g_.first_index + done_);
  ApplyMountOp(table_, now, g_.op, spec);
  if (g_.op == MountOp::kMount && g_.expire_after > 0) {
    // Expiries come in the order of the mounts: the timeout is the same for all.
    expiring_.push_back(spec.path);
    sim()->Schedule(now + g_.expire_after, this, {kExpiry});
  }
  ++done_;
  last_op_time_ = now;
  if (window_ != nullptr) window_->Extend(now);
  if (done_ < g_.count) {
    state_ = State::kReady;
    Wake();
  } else {
    state_ = State::kFinished;
  }
}

}  // namespace mountstorm
