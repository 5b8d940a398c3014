#include "admission.hpp"

namespace heard::server {

admission::admission(std::size_t max_total, std::size_t max_per_address)
    : max_total_(max_total), max_per_address_(max_per_address) {}

admission::verdict admission::admit(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (stopping_) return verdict::stopping;
  if (open_ >= max_total_) return verdict::over_total;
  if (address.empty()) {
    ++unattributed_;
    ++open_;
    return verdict::admitted;
  }
  auto& count = per_address_[address];
  if (count >= max_per_address_) {
    if (count == 0) per_address_.erase(address);
    return verdict::over_per_address;
  }
  ++count;
  ++open_;
  return verdict::admitted;
}

admission::verdict admission::attribute(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (unattributed_ == 0 || address.empty()) return verdict::over_total;  // a caller's bug: nothing to give
  auto& count = per_address_[address];
  if (count >= max_per_address_) {
    if (count == 0) per_address_.erase(address);
    return verdict::over_per_address;
  }
  ++count;
  --unattributed_;
  return verdict::admitted;
}

void admission::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (address.empty()) {
    if (unattributed_ == 0) return;  // never admitted
    --unattributed_;
    --open_;
    return;
  }
  const auto it = per_address_.find(address);
  if (it == per_address_.end()) return;  // never admitted
  if (--it->second == 0) per_address_.erase(it);
  --open_;
}

void admission::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
}

std::size_t admission::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace heard::server
