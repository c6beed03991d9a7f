// The Message model: what checks read. Built from raw bytes by parse_message() (GMime 3 underneath);
// plain C++ values, immutable after parsing, so checks can share it across threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit {

// Bounds applied to every input; over a bound the rest is not examined and a problem is recorded.
struct ParseLimits {
  std::size_t max_message_bytes = 64u << 20;  // larger than any major receiver accepts (Gmail 25 MB)
  int max_depth = 40;                          // MIME nesting (multipart and message/rfc822)
  std::size_t max_parts = 1000;                // entities in the MIME tree
  std::size_t max_headers = 1000;              // header fields per entity
  std::size_t max_header_value = 64u << 10;    // decoded value bytes kept per header field
  // false: leaves that are neither text/* nor message/* (images, archives, PDFs) are not transfer-decoded
  // and keep an empty body; their encoded size and base64 soundness are still read. `check` and `urls`
  // read no such bytes, and decoding them was a sixth of a corpus run.
  bool decode_binary = true;
};

struct HeaderField {
  std::string name;       // as written
  std::string raw_value;  // as written, folding kept, leading space stripped
  std::string value;      // unfolded, RFC 2047 decoded, UTF-8
  std::int64_t offset = -1;  // byte offset of the field in the message, -1 if unknown
};

// Something the parser had to work around; becomes a mime.malformed (or similar) finding.
struct ParseProblem {
  std::string code;    // "truncated_message", "broken_base64", "unknown_transfer_encoding", ...
  std::string detail;  // one line, for people
  std::int64_t offset = -1;
  std::string part;    // part path, "" for the message as a whole
};

enum class PartKind { leaf, multipart, message };

struct Part {
  std::string path;  // IMAP section number ("1", "2.1"); "" for a multipart at the top
  int depth = 0;
  PartKind kind = PartKind::leaf;
  std::string media_type;         // lower case, "text/plain" when absent
  std::string charset;            // as declared, "" when absent
  std::string transfer_encoding;  // lower case as declared, "" when absent
  std::string disposition;        // lower case, "" when absent
  std::string filename;           // RFC 2231 / 2047 decoded
  std::vector<HeaderField> headers;  // this entity's own fields (for message/rfc822: the inner message's)
  std::string body;        // leaf: transfer-decoded bytes, for text/* converted to UTF-8; message: the embedded
                           // message (its bytes when it came transfer-encoded, else as GMime writes it out)
  bool body_is_text = false;
  bool raw_has_8bit = false;   // the encoded body holds bytes >= 0x80
  std::size_t raw_size = 0;    // size of the encoded body

  bool is_text() const { return body_is_text; }
};

struct Message {
  std::string source;     // file path, "-" or "mbox:N"
  std::size_t index = 0;  // position in its input (mbox, Maildir), from 0
  std::string raw;        // bytes as received
  std::vector<HeaderField> headers;  // top-level fields, in order, duplicates kept
  std::vector<Part> parts;           // depth first, the top entity first
  std::vector<ParseProblem> problems;

  // All top-level fields with this name (case-insensitive), in order.
  std::vector<const HeaderField*> fields(std::string_view name) const;
  // The first such field or nullptr.
  const HeaderField* field(std::string_view name) const;
  // Offset where the body of the top entity starts (after the blank line), or raw.size().
  std::size_t header_end() const;
};

// Parse raw bytes. Never throws for malformed input: it parses what it can and records problems.
Message parse_message(std::string raw, std::string source, std::size_t index,
                      const ParseLimits& limits = {});

// Why these bytes are not an email message at all ("empty file", "binary data ..."), or "" when they
// can be parsed as one.
std::string not_a_message_reason(std::string_view raw);

}  // namespace mailaudit
