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
  // Sorted and deduplicated as pointers into the futures' answers: only the answers kept are copied.
  std::vector<const Answer*> all;
  all.reserve(started_.size());
  for (const auto& f : started_) all.push_back(&f.get());
  // Checks run concurrently, so the order they asked in varies from run to run; reports must not.
  // One entry per (name, type), as the cache answers once: the first asked of equal ones (a stable sort).
  std::stable_sort(all.begin(), all.end(), [](const Answer* x, const Answer* y) {
    return std::tie(x->name, x->type) < std::tie(y->name, y->type);
  });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const Answer* x, const Answer* y) { return x->type == y->type && x->name == y->name; }),
            all.end());
  std::vector<Answer> out;
  out.reserve(all.size());
  for (const Answer* a : all) out.push_back(*a);
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
