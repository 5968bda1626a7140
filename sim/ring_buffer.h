// RingBuffer<T>: a FIFO of values in one growable circular array.
//
// Push and pop are O(1) and allocate only when the buffer doubles, so a queue that has reached
// its working size costs no allocation per item. Used for message queues, where a queued message
// is a small value (ids and a size), never a heap node. An array of 2 MiB or more is given huge
// pages (sim/huge_pages.h): a queue that overflows grows to several MiB.
#ifndef MOUNTSTORM_SIM_RING_BUFFER_H_
#define MOUNTSTORM_SIM_RING_BUFFER_H_

#include <cstddef>
#include <utility>
#include <vector>

#include "sim/huge_pages.h"

namespace mountstorm {

template <typename T>
class RingBuffer {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void PushBack(const T& value) { NewBack() = value; }

  // Appends a slot and returns it, to be filled member by member: no whole value is built first
  // and copied (that copy stalls on the stores that just built it).
  T& NewBack() {
    if (size_ == slots_.size()) Grow();
    T& slot = slots_[(head_ + size_) & (slots_.size() - 1)];
    ++size_;
    return slot;
  }

  // REQUIRES: !empty().
  T PopFront() {
    T value = std::move(slots_[head_]);
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return value;
  }

  // Drops the first value without copying it out: read front() first. REQUIRES: !empty().
  void DropFront() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }

  // REQUIRES: i < size(). Element i counted from the front.
  T& operator[](std::size_t i) { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  const T& operator[](std::size_t i) const { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void Grow() {
    std::size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;  // always a power of two
    Slots bigger(capacity);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    slots_.swap(bigger);
    head_ = 0;
  }

  using Slots = std::vector<T, HugePageAllocator<T>>;
  Slots slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_RING_BUFFER_H_
