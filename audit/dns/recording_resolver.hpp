// Wraps a resolver and records every answer handed out: the query log of one message, which is the
// evidence section of its report.
#pragma once
#include <mutex>

#include "dns/resolver.hpp"

namespace mailaudit::dns {

class RecordingResolver : public Resolver {
 public:
  explicit RecordingResolver(Resolver& inner) : inner_(inner) {}
  std::string mode() const override { return inner_.mode(); }
  std::vector<std::string> servers() const override { return inner_.servers(); }
  // One answer per (name, type) asked, sorted by name and type; waits for lookups still in flight.
  std::vector<Answer> log() const;

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;

 private:
  Resolver& inner_;
  mutable std::mutex mu_;
  std::vector<std::shared_future<Answer>> started_;
};

// Answers OFFLINE to everything: the resolver when nothing may be asked and no zone is loaded.
class NullResolver : public Resolver {
 public:
  std::string mode() const override { return "offline"; }
  std::vector<std::string> servers() const override { return {}; }

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;
};

}  // namespace mailaudit::dns
