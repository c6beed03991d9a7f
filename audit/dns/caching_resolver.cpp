#include "dns/caching_resolver.hpp"

namespace mailaudit::dns {

std::shared_future<Answer> CachingResolver::start(const std::string& name, RRType type) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(name, type);
  if (auto it = cache_.find(key); it != cache_.end()) {
    ++hits_;
    return it->second;
  }
  // Starting a lookup only queues it, so holding the lock here is cheap and makes "in flight" atomic.
  auto f = inner_.lookup_async(name, type);
  cache_.emplace(std::move(key), f);
  return f;
}

std::size_t CachingResolver::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

}  // namespace mailaudit::dns
