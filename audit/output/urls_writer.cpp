// `mailaudit urls` output: every URL found in one message, JSON (mailaudit-urls/1) or text.
#include "output/writers.hpp"
#include "util/text.hpp"

namespace mailaudit {

nlohmann::ordered_json urls_json(const std::string& source, const std::vector<urls::Url>& us,
                                 const std::vector<std::string>& domains) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& u : us) list.push_back(url_json(u));
  return {{"schema", "mailaudit-urls/1"}, {"source", source}, {"urls", list}, {"domains", domains}};
}

std::string urls_text(const std::string& source, const std::vector<urls::Url>& us,
                      const std::vector<std::string>& domains) {
  std::string out = source + ": " + std::to_string(us.size()) + (us.size() == 1 ? " URL" : " URLs") + "\n";
  for (const auto& u : us) {
    out += "  " + text::printable(u.url, 300) + "\n";
    out += "      " + (u.part.empty() ? std::string("header") : "part " + u.part) + ", " + u.source;
    if (!u.host.empty()) out += ", host " + u.host;
    if (!u.domain.empty() && u.domain != u.host) out += " (" + u.domain + ")";
    for (const auto& f : u.flags) out += " [" + f + "]";
    out += "\n";
    if (!u.via.empty()) out += "      unwrapped from " + text::printable(u.via, 300) + "\n";
    if (u.has("display_mismatch")) out += "      shown as \"" + text::printable(u.anchor_text, 120) + "\"\n";
  }
  out += "  domains (" + std::to_string(domains.size()) + "):";
  for (const auto& d : domains) out += " " + d;
  return out + "\n";
}

}  // namespace mailaudit
