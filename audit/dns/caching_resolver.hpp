// Answers a repeated (name, type) once, also while the first query is still in flight: the second asker
// gets the same future. One cache serves every message of a run, so a campaign of 10,000 variants costs
// one lookup per distinct name.
#pragma once
#include <map>
#include <mutex>

#include "dns/resolver.hpp"

namespace mailaudit::dns {

class CachingResolver : public Resolver {
 public:
  explicit CachingResolver(Resolver& inner) : inner_(inner) {}
  std::string mode() const override { return inner_.mode(); }
  std::vector<std::string> servers() const override { return inner_.servers(); }
  std::size_t hits() const;

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;

 private:
  Resolver& inner_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, RRType>, std::shared_future<Answer>> cache_;
  std::size_t hits_ = 0;
};

}  // namespace mailaudit::dns
