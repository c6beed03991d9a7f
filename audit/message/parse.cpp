// parse_message: raw bytes -> Message, through GMime 3.
// GMime objects never leave this file: the tree is copied into plain values and freed, so the Message
// is cheap to share between the threads that run checks.
#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "message/message.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

void init_gmime_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GObjectDeleter {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectDeleter>;

struct GFreeDeleter {
  void operator()(char* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFreeDeleter>;

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

const char* warning_code(GMimeParserWarning w) {
  switch (w) {
    case GMIME_WARN_DUPLICATED_HEADER: return "duplicated_header";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated_parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded_8bit_header";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid_content_type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid_rfc2047_header_value";
    case GMIME_WARN_MALFORMED_MULTIPART: return "malformed_multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated_message";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed_message";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid_header_name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting_header";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting_parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart_without_boundary";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid_parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid_address_list";
    case GMIME_CRIT_NESTING_OVERFLOW: return "nesting_overflow";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "part_without_content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part_without_headers_or_content";
  }
  return "parser_warning";
}

const char* warning_text(GMimeParserWarning w) {
  switch (w) {
    case GMIME_WARN_DUPLICATED_HEADER: return "a header that may occur once is repeated";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "a header parameter is repeated";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "a header holds unencoded 8-bit bytes";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid Content-Type, read as application/octet-stream";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 encoded word";
    case GMIME_WARN_MALFORMED_MULTIPART: return "a multipart has no child parts (boundary never found)";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "the message ends before the final MIME boundary";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message structure";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header field name; parsers may skip the rest";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting header fields";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting header parameters (e.g. two boundaries)";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "a multipart has no boundary parameter";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid header parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting deeper than the parser accepts";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "a part's headers end at a boundary (no content)";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "a part with neither headers nor content";
  }
  return "parser warning";
}

// Warnings GMime reports that other checks already cover from the raw bytes, or that are not structural.
bool reported_elsewhere(GMimeParserWarning w) {
  return w == GMIME_WARN_DUPLICATED_HEADER || w == GMIME_CRIT_CONFLICTING_HEADER ||
         w == GMIME_WARN_UNENCODED_8BIT_HEADER || w == GMIME_WARN_INVALID_ADDRESS_LIST;
}

void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer user) {
  auto* problems = static_cast<std::vector<ParseProblem>*>(user);
  if (reported_elsewhere(code) || problems->size() > 200) return;
  std::string detail = warning_text(code);
  if (item && *item) detail += ": " + text::printable(item, 80);
  problems->push_back({warning_code(code), detail, offset, ""});
}

std::vector<HeaderField> copy_headers(GMimeObject* obj, const ParseLimits& limits,
                                      std::vector<ParseProblem>& problems, const std::string& path) {
  std::vector<HeaderField> out;
  GMimeHeaderList* list = g_mime_object_get_header_list(obj);
  if (!list) return out;
  int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    if (out.size() >= limits.max_headers) {
      problems.push_back({"header_limit",
                          "more than " + std::to_string(limits.max_headers) +
                              " header fields; the rest were not examined",
                          -1, path});
      break;
    }
    GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
    HeaderField f;
    f.name = str(g_mime_header_get_raw_name(h));
    f.raw_value = str(g_mime_header_get_raw_value(h));
    f.value = text::valid_utf8(str(g_mime_header_get_value(h)));
    if (f.value.size() > limits.max_header_value) {
      f.value.resize(limits.max_header_value);
      f.value = text::valid_utf8(f.value);
      problems.push_back({"header_value_limit",
                          f.name + " is longer than " + std::to_string(limits.max_header_value) +
                              " bytes; only the start was examined",
                          g_mime_header_get_offset(h), path});
    }
    // The raw value keeps the space after the colon; readers want it without.
    std::string_view rv = f.raw_value;
    while (!rv.empty() && (rv.front() == ' ' || rv.front() == '\t')) rv.remove_prefix(1);
    while (!rv.empty() && (rv.back() == '\n' || rv.back() == '\r')) rv.remove_suffix(1);
    f.raw_value = std::string(rv);
    f.offset = g_mime_header_get_offset(h);
    out.push_back(std::move(f));
  }
  return out;
}

std::string read_stream(GMimeStream* s) {
  std::string out;
  if (!s) return out;
  g_mime_stream_reset(s);
  // One allocation when the stream knows its length (a part's substream does): no regrowth and copies.
  if (gint64 len = g_mime_stream_length(s); len > 0 && len < (gint64{1} << 31)) out.reserve(static_cast<std::size_t>(len));
  char buf[65536];
  for (;;) {
    ssize_t n = g_mime_stream_read(s, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Byte classes of a base64 body, one table lookup per byte (this runs over every base64 part of a campaign).
enum Base64Class : unsigned char { b64_data, b64_pad, b64_space, b64_junk };
constexpr std::array<unsigned char, 256> base64_classes() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool data = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    t[c] = data ? b64_data : c == '=' ? b64_pad : (c == '\r' || c == '\n' || c == ' ' || c == '\t') ? b64_space : b64_junk;
  }
  return t;
}
constexpr auto kBase64Class = base64_classes();

// What is wrong with a base64 body, or "" when nothing is. GMime decodes leniently (it skips junk),
// but a receiver's filter may not, and a body that decodes differently in different places is suspect.
std::string base64_problem(std::string_view raw) {
  // Counters in registers (a counter array indexed by class serialises on its memory), data by difference.
  std::size_t pad = 0, space = 0, junk = 0;
  for (unsigned char c : raw) {
    const unsigned char k = kBase64Class[c];
    pad += k == b64_pad;
    space += k == b64_space;
    junk += k == b64_junk;
  }
  const std::size_t data = raw.size() - pad - space - junk;
  const auto first_pad = raw.find('=');
  const bool data_after_pad =
      first_pad != std::string_view::npos &&
      std::any_of(raw.begin() + static_cast<std::ptrdiff_t>(first_pad), raw.end(),
                  [](unsigned char c) { return kBase64Class[c] == b64_data; });
  if (junk) return std::to_string(junk) + " bytes outside the base64 alphabet";
  if (data_after_pad) return "data after '=' padding";
  if ((data + pad) % 4 == 1 || pad > 2) return "the encoded length is not a whole number of base64 groups";
  return "";
}

// Any byte with the high bit set, eight bytes at a time.
bool has_8bit(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return true;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) & 0x80) return true;
  return false;
}

bool known_transfer_encoding(const std::string& cte) {
  return cte.empty() || cte == "7bit" || cte == "8bit" || cte == "binary" || cte == "base64" ||
         cte == "quoted-printable";
}

// The body of a text part as UTF-8: declared charset first, then UTF-8, then Latin-1.
std::string to_utf8(std::string bytes, const std::string& charset) {
  std::string cs = text::lower(charset);
  if (cs.empty() || cs == "us-ascii" || cs == "utf-8" || cs == "utf8" || cs == "ascii") {
    if (text::is_valid_utf8(bytes)) return bytes;  // moved out, not copied
    if (cs == "utf-8" || cs == "utf8") return text::valid_utf8(bytes);
    return text::latin1_to_utf8(bytes);
  }
  const char* iconv_name = g_mime_charset_iconv_name(charset.c_str());
  gsize written = 0;
  GError* err = nullptr;
  char* conv = g_convert_with_fallback(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                       iconv_name ? iconv_name : charset.c_str(), "\xEF\xBF\xBD",
                                       nullptr, &written, &err);
  if (conv) {
    std::string out(conv, written);
    g_free(conv);
    return text::valid_utf8(out);
  }
  if (err) g_error_free(err);
  // Unknown charset or invalid bytes for it: a lossy but safe reading.
  if (text::is_valid_utf8(bytes)) return bytes;
  return text::latin1_to_utf8(bytes);
}

struct Walker {
  const ParseLimits& limits;
  Message& msg;

  struct Item {
    GMimeObject* obj;
    std::string path;
    int depth;
  };

  static std::string child_path(const std::string& parent, std::size_t i) {
    return parent.empty() ? std::to_string(i + 1) : parent + "." + std::to_string(i + 1);
  }

  void fill_common(Part& part, GMimeObject* obj) {
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    if (ct) {
      part.media_type = text::lower(str(g_mime_content_type_get_media_type(ct))) + "/" +
                        text::lower(str(g_mime_content_type_get_media_subtype(ct)));
      part.charset = str(g_mime_content_type_get_parameter(ct, "charset"));
    }
    if (part.media_type.empty() || part.media_type == "/") part.media_type = "text/plain";
    GMimeContentDisposition* cd = g_mime_object_get_content_disposition(obj);
    if (cd) part.disposition = text::lower(str(g_mime_content_disposition_get_disposition(cd)));
    if (const char* cte = g_mime_object_get_header(obj, "Content-Transfer-Encoding"))
      part.transfer_encoding = text::lower(text::trim(cte));
  }

  void leaf(Part& part, GMimeObject* obj) {
    GMimePart* p = GMIME_PART(obj);
    part.filename = text::valid_utf8(str(g_mime_part_get_filename(p)));
    if (!known_transfer_encoding(part.transfer_encoding))
      msg.problems.push_back({"unknown_transfer_encoding",
                              "unknown Content-Transfer-Encoding \"" + text::printable(part.transfer_encoding, 60) +
                                  "\"; the body was read as is",
                              -1, part.path});
    GMimeDataWrapper* w = g_mime_part_get_content(p);
    if (!w) return;
    GMimeStream* raw_stream = g_mime_data_wrapper_get_stream(w);
    std::string raw = read_stream(raw_stream);
    part.raw_size = raw.size();
    part.raw_has_8bit = has_8bit(raw);
    const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(w);
    if (encoding == GMIME_CONTENT_ENCODING_BASE64) {
      std::string why = base64_problem(raw);
      if (!why.empty()) msg.problems.push_back({"broken_base64", "base64 body: " + why, -1, part.path});
    }
    const bool text = part.media_type.rfind("text/", 0) == 0;
    if (!text && !limits.decode_binary && part.media_type.rfind("message/", 0) != 0) return;

    // Only base64, quoted-printable and uuencode change the bytes when decoded (GMime's data wrapper
    // passes every other encoding through as is): those bodies are already what the wrapper would write.
    const bool encoded = encoding == GMIME_CONTENT_ENCODING_BASE64 ||
                         encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
                         encoding == GMIME_CONTENT_ENCODING_UUENCODE;
    std::string decoded;
    if (!encoded) {
      decoded = std::move(raw);
    } else {
      raw.clear();
      raw.shrink_to_fit();
      GPtr<GMimeStream> mem(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(w, mem.get());
      // The decoded bytes straight from the memory stream's buffer: one copy, not a read loop.
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
      if (bytes) decoded.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    if (text) {
      part.body = to_utf8(std::move(decoded), part.charset);
      part.body_is_text = true;
    } else {
      part.body = std::move(decoded);
    }
  }

  // An embedded message written out again (bounce --audit audits the original message of a bounce).
  static std::string serialised(GMimeMessage* inner) {
    char* text = g_mime_object_to_string(GMIME_OBJECT(inner), nullptr);
    std::string out = text ? text : "";
    g_free(text);
    return out;
  }

  // Messages parsed from encoded message/rfc822 leaves; kept alive until the walk ends.
  std::vector<GPtr<GMimeMessage>> owned;
  std::vector<GPtr<GMimeObject>> owned_parts;  // entities parsed from a preamble

  // GMime's parser over a copy of `bytes`, its warnings added to the message's problems; `construct` builds
  // the entity (a part or a message). The caller owns what it returns.
  template <typename T>
  T* parse_bytes(std::string_view bytes, T* (*construct)(GMimeParser*, GMimeParserOptions*)) {
    GPtr<GMimeStream> s(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    GPtr<GMimeParser> p(g_mime_parser_new_with_stream(s.get()));
    GMimeParserOptions* opts = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(opts, on_parser_warning, &msg.problems);
    T* out = construct(p.get(), opts);
    g_mime_parser_options_free(opts);
    return out;
  }

  // A multipart whose opening boundary never comes (SpamAssassin's badmime3: the part's fields and HTML
  // straight after the top header): GMime keeps everything as the preamble and finds no child part, but
  // SpamAssassin reads the whole body as the part ("no boundary, so leave the whole part"). Parsed here the
  // same way: as an entity when it opens with a header field, else as a body without fields (text/plain, the
  // RFC 2046 default). Called only for a multipart without children, so a normal message pays nothing and a
  // normal preamble ("This is a multi-part message in MIME format.") stays unread, as clients leave it.
  GMimeObject* preamble_entity(GMimeMultipart* mp) {
    const char* prologue = g_mime_multipart_get_prologue(mp);
    if (!prologue || text::trim(prologue).empty()) return nullptr;
    std::string_view v(prologue);
    std::size_t name_end = 0;
    while (name_end < v.size() && v[name_end] >= 0x21 && v[name_end] <= 0x7E && v[name_end] != ':') ++name_end;
    bool opens_with_field = name_end > 0 && name_end < v.size() && v[name_end] == ':';
    std::string bytes = opens_with_field ? std::string(v) : "\r\n" + std::string(v);
    GMimeObject* entity = parse_bytes(bytes, g_mime_parser_construct_part);
    if (!entity) return nullptr;
    owned_parts.emplace_back(entity);
    return entity;
  }

  GMimeMessage* encoded_message(const Part& part) {
    bool message_type = part.media_type == "message/rfc822" || part.media_type == "message/global";
    bool encoded = part.transfer_encoding == "base64" || part.transfer_encoding == "quoted-printable";
    if (!message_type || !encoded || part.body.empty()) return nullptr;
    GMimeMessage* inner = parse_bytes(part.body, g_mime_parser_construct_message);
    if (!inner) return nullptr;
    owned.emplace_back(inner);
    return inner;
  }

  void run(GMimeMessage* root) {
    std::vector<Item> stack;
    GMimeObject* top = g_mime_message_get_mime_part(root);
    if (top) stack.push_back({top, GMIME_IS_MULTIPART(top) ? "" : "1", 0});
    while (!stack.empty()) {
      Item it = std::move(stack.back());
      stack.pop_back();
      if (msg.parts.size() >= limits.max_parts) {
        msg.problems.push_back({"part_limit",
                                "more than " + std::to_string(limits.max_parts) +
                                    " MIME parts; the rest were not examined",
                                -1, it.path});
        break;
      }
      if (it.depth > limits.max_depth) {
        msg.problems.push_back({"depth_limit",
                                "MIME nesting deeper than " + std::to_string(limits.max_depth) +
                                    " levels; the deeper parts were not examined",
                                -1, it.path});
        continue;
      }
      Part part;
      part.path = it.path;
      part.depth = it.depth;
      fill_common(part, it.obj);
      // The top entity's fields are the message's; do not copy them twice.
      if (it.depth > 0 || it.obj != top) part.headers = copy_headers(it.obj, limits, msg.problems, it.path);

      std::vector<Item> children;
      if (GMIME_IS_MULTIPART(it.obj)) {
        part.kind = PartKind::multipart;
        GMimeMultipart* mp = GMIME_MULTIPART(it.obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; ++i)
          children.push_back({g_mime_multipart_get_part(mp, i), child_path(it.path, static_cast<std::size_t>(i)),
                              it.depth + 1});
        if (n == 0)
          if (GMimeObject* entity = preamble_entity(mp)) children.push_back({entity, child_path(it.path, 0), it.depth + 1});
      } else if (GMIME_IS_MESSAGE_PART(it.obj)) {
        part.kind = PartKind::message;
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(it.obj));
        if (inner) {
          part.headers = copy_headers(GMIME_OBJECT(inner), limits, msg.problems, it.path);
          part.body = serialised(inner);
          if (GMimeObject* body = g_mime_message_get_mime_part(inner))
            children.push_back({body, GMIME_IS_MULTIPART(body) ? it.path : child_path(it.path, 0), it.depth + 1});
        }
      } else if (GMIME_IS_PART(it.obj)) {
        leaf(part, it.obj);
        // A message/rfc822 part sent with base64 or quoted-printable (RFC 2046 forbids it, bounces do it)
        // reaches us as a leaf: parse its decoded bytes as the message it is.
        if (GMimeMessage* inner = encoded_message(part)) {
          part.kind = PartKind::message;
          part.headers = copy_headers(GMIME_OBJECT(inner), limits, msg.problems, it.path);
          part.body_is_text = false;  // body keeps the decoded bytes: the embedded message as sent
          if (GMimeObject* body = g_mime_message_get_mime_part(inner))
            children.push_back({body, GMIME_IS_MULTIPART(body) ? it.path : child_path(it.path, 0), it.depth + 1});
        }
      }
      msg.parts.push_back(std::move(part));
      // Reverse so that the first child is examined first.
      for (auto c = children.rbegin(); c != children.rend(); ++c) stack.push_back(std::move(*c));
    }
  }
};

}  // namespace

std::string not_a_message_reason(std::string_view raw) {
  if (raw.empty()) return "empty file";
  std::string_view head = raw.substr(0, 4096);
  std::size_t eol = head.find('\n');
  std::string_view first = head.substr(0, eol);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.rfind("From ", 0) == 0) return "";  // mbox separator before the headers
  std::size_t colon = first.find(':');
  bool field_name_ok = colon != std::string_view::npos && colon > 0;
  if (field_name_ok) {
    std::string_view name = first.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    field_name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      unsigned char u = static_cast<unsigned char>(c);
      return u >= 33 && u <= 126 && c != ':';
    });
  }
  if (field_name_ok) return "";
  // Only a message that is not one is told apart from binary data: the counts are for the error.
  std::size_t nul = std::count(head.begin(), head.end(), '\0');
  std::size_t ctl = std::count_if(head.begin(), head.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\r' && c != '\n' && c != '\t' && c != '\f';
  });
  if (nul > 0 || ctl * 20 > head.size()) return "binary data, not an email message";
  return "not an email message: the first line is not a header field (\"" + text::printable(first, 40) + "\")";
}

std::vector<const HeaderField*> Message::fields(std::string_view name) const {
  std::vector<const HeaderField*> out;
  for (const auto& f : headers)
    if (text::iequals(f.name, name)) out.push_back(&f);
  return out;
}

const HeaderField* Message::field(std::string_view name) const {
  for (const auto& f : headers)
    if (text::iequals(f.name, name)) return &f;
  return nullptr;
}

std::size_t Message::header_end() const {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n') continue;
    if (i + 1 < raw.size() && raw[i + 1] == '\n') return i + 2;
    if (i + 2 < raw.size() && raw[i + 1] == '\r' && raw[i + 2] == '\n') return i + 3;
  }
  return raw.size();
}

Message parse_message(std::string raw, std::string source, std::size_t index, const ParseLimits& limits) {
  init_gmime_once();
  Message msg;
  msg.source = std::move(source);
  msg.index = index;
  msg.raw = std::move(raw);

  GMimeParserOptions* opts = g_mime_parser_options_new();
  g_mime_parser_options_set_warning_callback(opts, on_parser_warning, &msg.problems);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(msg.raw.data(), msg.raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> gm(g_mime_parser_construct_message(parser.get(), opts));
  g_mime_parser_options_free(opts);
  if (!gm) {
    msg.problems.push_back({"unparseable", "GMime could not construct a message from the input", 0, ""});
    return msg;
  }
  // GMime keeps the Content-* fields of the top entity on its MIME part, the rest on the message:
  // merge them back into the order they were written in.
  msg.headers = copy_headers(GMIME_OBJECT(gm.get()), limits, msg.problems, "");
  if (GMimeObject* top = g_mime_message_get_mime_part(gm.get())) {
    auto content = copy_headers(top, limits, msg.problems, "");
    msg.headers.insert(msg.headers.end(), std::make_move_iterator(content.begin()),
                       std::make_move_iterator(content.end()));
    std::stable_sort(msg.headers.begin(), msg.headers.end(),
                     [](const HeaderField& a, const HeaderField& b) { return a.offset < b.offset; });
  }
  Walker walker{limits, msg, {}, {}};
  walker.run(gm.get());
  // GMime says "truncated" of any message whose header section never ends (no blank line, no body): only a
  // multipart can end before its final boundary, so elsewhere a headers-only message is well formed.
  bool multipart = std::any_of(msg.parts.begin(), msg.parts.end(),
                               [](const Part& p) { return p.media_type.starts_with("multipart/"); });
  if (!multipart)
    msg.problems.erase(std::remove_if(msg.problems.begin(), msg.problems.end(),
                                      [](const ParseProblem& p) { return p.code == "truncated_message"; }),
                       msg.problems.end());
  return msg;
}

}  // namespace mailaudit
