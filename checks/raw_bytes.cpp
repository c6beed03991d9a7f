// Check "raw_bytes": what the SMTP transport sees in the bytes, before any MIME decoding: over-long lines,
// bare LF or CR mixed with CRLF, NUL bytes, and 8-bit bytes where 7-bit is declared.
#include <algorithm>
#include <cstring>

#include "checks.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

struct LineStats {
  std::size_t too_long = 0, longest = 0, longest_line = 0;
  bool longest_in_header = false;
  std::size_t crlf = 0, bare_lf = 0, bare_cr = 0, first_bare = 0;
  std::size_t nul = 0, first_nul = 0;
};

// Each kind of byte is found with memchr, one pass per kind: a message is mostly bytes of none of them.
LineStats scan(const std::string& raw, std::size_t header_end, std::size_t max_octets) {
  LineStats s;
  const char* data = raw.data();
  const std::size_t n = raw.size();
  auto each = [&](char c, auto&& on) {
    for (const void* p = std::memchr(data, c, n); p;) {
      auto i = static_cast<std::size_t>(static_cast<const char*>(p) - data);
      on(i);
      p = i + 1 < n ? std::memchr(data + i + 1, c, n - i - 1) : nullptr;
    }
  };
  std::size_t first_bare = n;
  each('\0', [&](std::size_t i) {
    if (s.nul++ == 0) s.first_nul = i;
  });
  each('\r', [&](std::size_t i) {
    if ((i + 1 == n || data[i + 1] != '\n') && s.bare_cr++ == 0) first_bare = std::min(first_bare, i);
  });
  std::size_t line_start = 0, line_no = 1;
  auto end_line = [&](std::size_t content_end) {
    std::size_t len = content_end - line_start;
    if (len > max_octets) {
      ++s.too_long;
      if (len > s.longest) {
        s.longest = len;
        s.longest_line = line_no;
        s.longest_in_header = line_start < header_end;
      }
    }
  };
  // A line ends at CRLF or at a bare LF; a bare CR does not end one.
  each('\n', [&](std::size_t i) {
    bool crlf = i > 0 && data[i - 1] == '\r';
    if (crlf) ++s.crlf;
    else if (s.bare_lf++ == 0) first_bare = std::min(first_bare, i);
    end_line(crlf ? i - 1 : i);
    line_start = i + 1;
    ++line_no;
  });
  end_line(n);
  if (first_bare < n) s.first_bare = first_bare;
  return s;
}

// The name of the header field holding the first 8-bit byte in [0, header_end), or "".
std::string field_with_8bit(const std::string& raw, std::size_t header_end) {
  auto it = std::find_if(raw.begin(), raw.begin() + static_cast<long>(header_end), [](char c) { return c & 0x80; });
  if (it == raw.begin() + static_cast<long>(header_end)) return "";
  // Walk back to the start of the field: a line that does not begin with white space.
  std::size_t pos = static_cast<std::size_t>(it - raw.begin());
  for (;;) {
    std::size_t nl = pos == 0 ? std::string::npos : raw.rfind('\n', pos - 1);
    std::size_t start = nl == std::string::npos ? 0 : nl + 1;
    if (start == 0 || (raw[start] != ' ' && raw[start] != '\t')) {
      std::size_t colon = raw.find(':', start);
      return raw.substr(start, std::min<std::size_t>(colon == std::string::npos ? 40 : colon - start, 60));
    }
    pos = start - 1;
  }
}

}  // namespace

std::vector<Finding> run_raw_bytes(const Context& ctx) {
  std::vector<Finding> out;
  const Message& m = ctx.message;
  const std::size_t header_end = m.header_end();
  LineStats s = scan(m.raw, header_end, ctx.rules.headers().max_line_octets);

  if (s.too_long)
    out.push_back(ctx.make("headers.line_too_long", {{"count", std::to_string(s.too_long)},
                                                      {"longest", std::to_string(s.longest)},
                                                      {"line", std::to_string(s.longest_line)},
                                                      {"where", ctx.word(s.longest_in_header ? "raw_bytes.header" : "raw_bytes.body")}}));
  // A file that uses LF throughout is a Unix-format file that submission converts; mixing is the problem.
  if (s.crlf > 0 && (s.bare_lf > 0 || s.bare_cr > 0)) {
    std::string kind = ctx.word(s.bare_lf && s.bare_cr ? "raw_bytes.bare_lf_and_cr" : s.bare_lf ? "raw_bytes.bare_lf" : "raw_bytes.bare_cr");
    out.push_back(ctx.make("headers.bare_lf", {{"count", std::to_string(s.bare_lf + s.bare_cr)},
                                               {"kind", kind},
                                               {"offset", std::to_string(s.first_bare)}}));
  }
  if (s.nul)
    out.push_back(ctx.make("headers.nul", {{"count", std::to_string(s.nul)}, {"offset", std::to_string(s.first_nul)}}));

  std::string field = field_with_8bit(m.raw, header_end);
  if (!field.empty())
    out.push_back(ctx.make("headers.8bit", {{"where", ctx.word("raw_bytes.in_header")},
                                            {"what", ctx.word("raw_bytes.field_8bit", {{"field", text::printable(field, 60)}})}}));
  std::vector<std::string> parts;
  for (const auto& p : m.parts) {
    bool declared_7bit = p.transfer_encoding.empty() || p.transfer_encoding == "7bit";
    if (p.kind == PartKind::leaf && p.raw_has_8bit && declared_7bit) parts.push_back(p.path);
  }
  if (!parts.empty()) {
    std::string list;
    for (std::size_t i = 0; i < parts.size() && i < 10; ++i) list += (i ? ", " : "") + parts[i];
    out.push_back(ctx.make("headers.8bit", {{"where", ctx.word(parts.size() == 1 ? "raw_bytes.part" : "raw_bytes.parts", {{"parts", list}})},
                                            {"what", ctx.word("raw_bytes.body_8bit")}}));
  }
  return out;
}

}  // namespace mailaudit::checks
