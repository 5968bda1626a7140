// StringTable: interns strings (paths, mount sources, option strings) as dense 32-bit ids.
//
// The pipeline moves ids, never strings; a string is looked up only where a person reads it.
// Interning happens when a mount operation is made, not per message.
#ifndef MOUNTSTORM_MODELS_KERNEL_STRING_TABLE_H_
#define MOUNTSTORM_MODELS_KERNEL_STRING_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mountstorm {

class StringTable {
 public:
  std::uint32_t Intern(std::string_view s) {
    auto it = ids_.find(std::string(s));
    if (it != ids_.end()) return it->second;
    std::uint32_t id = static_cast<std::uint32_t>(strings_.size());
    strings_.emplace_back(s);
    ids_.emplace(strings_.back(), id);
    return id;
  }
  const std::string& Get(std::uint32_t id) const { return strings_[id]; }
  std::size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> ids_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_KERNEL_STRING_TABLE_H_
