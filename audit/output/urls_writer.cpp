// `mailaudit urls` output: every URL found in one message, JSON (mailaudit-urls/1) or text.
#include "output/json_out.hpp"
#include "output/writers.hpp"
#include "util/text.hpp"

namespace mailaudit {

std::string urls_json_text(const std::string& source, const std::vector<urls::Url>& us,
                           const std::vector<std::string>& domains, bool pretty, std::size_t indent) {
  std::string out;
  JsonOut w(out, pretty, indent);
  w.begin_object().member("schema", "mailaudit-urls/1").member("source", source).key("urls").begin_array();
  for (const auto& u : us) write_url(w, u);
  w.end_array().member("domains", domains).end_object();
  return out;
}

nlohmann::ordered_json urls_json(const std::string& source, const std::vector<urls::Url>& us,
                                 const std::vector<std::string>& domains) {
  return nlohmann::ordered_json::parse(urls_json_text(source, us, domains, false));
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
