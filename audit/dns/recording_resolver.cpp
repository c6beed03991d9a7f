#include "dns/recording_resolver.hpp"

#include <algorithm>
#include <tuple>

namespace mailaudit::dns {

std::shared_future<Answer> RecordingResolver::start(const std::string& name, RRType type) {
  auto f = inner_.lookup_async(name, type);
  std::lock_guard lock(mu_);
  started_.push_back(f);
  return f;
}

std::vector<Answer> RecordingResolver::log() const {
  std::lock_guard lock(mu_);
  std::vector<Answer> out;
  out.reserve(started_.size());
  for (const auto& f : started_) out.push_back(f.get());
  // Checks run concurrently, so the order they asked in varies from run to run; reports must not.
  // One entry per (name, type), as the cache answers once: the first asked of equal ones (a stable sort).
  auto key_less = [](const Answer& x, const Answer& y) { return std::tie(x.name, x.type) < std::tie(y.name, y.type); };
  std::stable_sort(out.begin(), out.end(), key_less);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Answer& x, const Answer& y) { return x.type == y.type && x.name == y.name; }),
            out.end());
  return out;
}

std::shared_future<Answer> NullResolver::start(const std::string& name, RRType type) {
  Answer a;
  a.name = name;
  a.type = type;
  a.status = Status::OFFLINE;
  a.note = "not checked offline";
  return ready(std::move(a));
}

}  // namespace mailaudit::dns
