#include "urls/html_urls.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <memory>

#include "urls/css_urls.hpp"
#include "urls/html_scan.hpp"
#include "urls/normalise.hpp"
#include "urls/text_urls.hpp"
#include "util/curl_api.hpp"
#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

// Gumbo frees its tree recursively: bound the number of tags so a hostile part cannot exhaust the stack.
constexpr std::size_t kMaxTags = 50000;
constexpr std::size_t kMaxAnchorText = 300;
constexpr int kMaxCommentDepth = 2;

std::string_view bounded_html(std::string_view html, std::size_t max_bytes) {
  if (html.size() > max_bytes) html = html.substr(0, max_bytes);
  std::size_t tags = 0;
  for (std::size_t i = 0; i < html.size(); ++i)
    if (html[i] == '<' && ++tags > kMaxTags) return html.substr(0, i);
  return html;
}

std::string tag_name(const GumboElement& el) {
  if (el.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(el.tag);
  // Unknown tags (VML "v:fill", "o:p") keep their written name in original_tag: "<v:fill ...".
  std::string_view o(el.original_tag.data ? el.original_tag.data : "", el.original_tag.length);
  if (o.starts_with("<")) o.remove_prefix(1);
  std::size_t e = 0;
  while (e < o.size() && !std::isspace(static_cast<unsigned char>(o[e])) && o[e] != '/' && o[e] != '>') ++e;
  return text::lower(o.substr(0, e));
}

const char* attribute(const GumboElement& el, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
  return a ? a->value : nullptr;
}

// srcset: "a.png 1x, b.png 2x" -> the URLs.
std::vector<std::string> srcset_urls(std::string_view v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (std::isspace(static_cast<unsigned char>(v[i])) || v[i] == ',')) ++i;
    std::size_t b = i;
    while (i < v.size() && !std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    std::string_view url = v.substr(b, i - b);
    while (!url.empty() && url.back() == ',') url.remove_suffix(1);
    if (!url.empty()) out.emplace_back(url);
    if (i > b && v[i - 1] == ',') continue;  // no descriptors
    while (i < v.size() && v[i] != ',') ++i;
  }
  return out;
}

// <meta http-equiv="refresh" content="0; url=http://...">
std::string refresh_url(std::string_view content) {
  std::string low = text::lower(content);
  auto p = low.find("url");
  if (p == std::string::npos) return "";
  p += 3;
  while (p < content.size() && (std::isspace(static_cast<unsigned char>(content[p])))) ++p;
  if (p >= content.size() || content[p] != '=') return "";
  std::string_view v = text::trim(content.substr(p + 1));
  if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
    char q = v.front();
    v.remove_prefix(1);
    v = v.substr(0, v.find(q));
  }
  return std::string(v);
}

// Runs of white space as one space, trimmed, bounded: a link's text as people read it.
std::string collapse_space(std::string_view in) {
  std::string collapsed;
  for (char c : in) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += space ? ' ' : c;
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed.substr(0, kMaxAnchorText);
}

// Visible text of an element, bounded in bytes and in nodes visited.
std::string inner_text(const GumboNode* node) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  std::size_t visited = 0;
  while (!stack.empty() && out.size() < kMaxAnchorText && ++visited < 2000) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
    } else if (n->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = kids.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
    }
  }
  return collapse_space(out);
}

bool skipped_scheme(std::string_view v);

// What both HTML readers share: which attributes of which elements hold URLs, <base>, and the results.
class Collector {
 public:
  Collector(const rules::UrlRules& rules, std::size_t max) : rules_(rules), max_(max) {}

  std::vector<HtmlUrl> finish() {
    std::vector<HtmlUrl> out;
    for (auto& u : found_) {
      if (u.link.empty()) u.link = resolve_href(u.raw, base_);
      if (!u.link.empty() || u.raw.front() == '#' || skipped_scheme(u.raw)) {
        out.push_back(std::move(u));
        continue;
      }
      // A relative reference with no base ("=www.x.com", "go to www.x.com"): a browser goes nowhere, but the
      // hosts written in it are what a receiver's filter extracts, so they are reported.
      for (auto& t : find_text_urls(u.raw, rules_, 10)) out.push_back({t.raw, t.link, u.source, u.anchor_text});
    }
    return out;
  }

 protected:
  static constexpr std::size_t npos = std::string::npos;
  bool full() const { return found_.size() >= max_; }
  // The index of the added entry, or npos when nothing was added.
  std::size_t add(std::string_view raw, std::string source, std::string anchor = {}) {
    std::string_view v = text::trim(raw);
    if (v.empty() || full()) return npos;
    found_.push_back({std::string(v), "", std::move(source), std::move(anchor)});
    return found_.size() - 1;
  }
  void text_urls(std::string_view t) {
    if (full()) return;
    for (auto& u : find_text_urls(t, rules_, max_ - found_.size())) found_.push_back({u.raw, u.link, "html:text", ""});
  }
  void style_text(std::string_view css) {
    for (auto& u : find_css_urls(css)) add(u, "css:url");
  }

  // The URLs of one element; `get(name)` is its attribute or null. Returns the index of its a@href entry
  // (so the caller can add the anchor text), or npos.
  template <class Get>
  std::size_t element(const std::string& tag, Get get) {
    std::size_t anchor = npos;
    // Compared as views: the length first, so most comparisons end there.
    auto named = [&tag](std::string_view name) { return std::string_view(tag) == name; };
    if (!names_urls(tag)) {  // most tags of a page (td, span, div, p, font...): only the attributes any may carry
      take_common(tag, get);
      return anchor;
    }
    auto take = [&](const char* attr, const std::string& src_tag) {
      if (const char* v = get(attr)) add(v, "html:" + src_tag + "@" + attr);
    };
    if (named("a")) {
      if (const char* v = get("href")) anchor = add(v, "html:a@href");
      take("data-saferedirecturl", tag);  // Gmail's rewritten link
    } else if (named("area") || named("link")) {
      take("href", tag);
    } else if (named("base")) {
      if (const char* v = get("href"); v && base_.empty()) base_ = resolve_href(v, "");
      take("href", tag);
    } else if (named("img") || named("iframe") || named("frame") || named("embed") || named("script") ||
               named("input") || named("source") || named("audio") || named("video") || named("track") ||
               named("bgsound")) {
      take("src", tag);
    }
    // AMP for Email components (text/x-amp-html parts) load what their src names, as <img> does.
    const bool amp = tag.starts_with("amp-");
    if (amp) take("src", tag);
    if (named("video") || named("amp-video")) take("poster", tag);
    // SVG: <image> and <use> point at what they draw with href (SVG 2) or xlink:href (SVG 1.1); the
    // streaming reader names <image> "img", as the tree builder does outside <svg>.
    if (named("image") || named("img") || named("use"))
      for (const char* attr : {"href", "xlink:href"}) take(attr, tag);
    if (named("img") || named("source") || named("amp-img"))
      if (const char* v = get("srcset"))
        for (auto& u : srcset_urls(v)) add(u, "html:" + tag + "@srcset");
    if (named("form")) take("action", tag);
    if (named("button") || named("input")) take("formaction", tag);
    if (named("object")) take("data", tag);
    if (named("meta")) {
      const char* equiv = get("http-equiv");
      const char* content = get("content");
      if (equiv && content && text::iequals(equiv, "refresh")) add(refresh_url(content), "html:meta@refresh");
    }
    if (tag.find(':') != std::string::npos) {  // VML and other namespaced markup from Office
      for (const char* attr : {"src", "href"})
        if (const char* v = get(attr)) add(v, "vml:" + tag + "@" + attr);
    }
    take_common(tag, get);
    return anchor;
  }

  // The attributes any element may carry a URL in.
  template <class Get>
  void take_common(const std::string& tag, Get get) {
    if (const char* v = get("background")) add(v, "html:" + tag + "@background");
    if (const char* style = get("style")) style_text(style);
  }

  // A tag that element() looks at beyond take_common: every name it compares with, AMP components and
  // namespaced (Office) markup.
  static bool names_urls(const std::string& tag) {
    static constexpr std::string_view named[] = {
        "a",     "area",  "link",  "base",    "img",   "iframe", "frame", "embed",  "script", "input", "source",
        "audio", "video", "track", "bgsound", "image", "use",    "form",  "button", "object", "meta"};
    // A first-character and length filter before any comparison: cheaper than hashing each tag.
    for (std::string_view n : named)
      if (n.size() == tag.size() && n.front() == tag.front() && n == tag) return true;
    return tag.starts_with("amp-") || tag.find(':') != std::string::npos;
  }

  // <!--[if mso]> ... <![endif]-->: Outlook renders what is inside; the markup in it, or "" if none.
  static std::string_view conditional_inner(std::string_view c) {
    if (!c.starts_with("[if")) return {};
    auto gt = c.find('>');
    if (gt == std::string_view::npos) return {};
    std::string_view inner = c.substr(gt + 1);
    if (auto end = inner.rfind("<![endif]"); end != std::string_view::npos) inner = inner.substr(0, end);
    return inner;
  }

  const rules::UrlRules& rules_;
  std::size_t max_;
  std::string base_;
  std::vector<HtmlUrl> found_;
};

// The streaming reader (html_scan.hpp): tokens in document order, no tree.
class ScanWalker : public Collector {
 public:
  using Collector::Collector;

  void parse(std::string_view html, int comment_depth) {
    HtmlScanner scanner(html);
    HtmlToken t;
    std::size_t anchor = npos;  // the open <a href>'s entry, collecting its visible text
    std::string anchor_text;
    auto close_anchor = [&] {
      if (anchor != npos) found_[anchor].anchor_text = collapse_space(anchor_text);
      anchor = npos;
      anchor_text.clear();
    };
    while (!full() && scanner.next(t)) {
      switch (t.kind) {
        case HtmlToken::start_tag: {
          if (t.name == "a") close_anchor();  // an <a> closes the open one, as the tree builder does
          std::size_t a = element(t.name, [&](const char* n) {
            const std::string* v = t.attr(n);
            return v ? v->c_str() : nullptr;
          });
          if (a != npos) anchor = a;
          break;
        }
        case HtmlToken::end_tag:
          if (t.name == "a") close_anchor();
          break;
        case HtmlToken::text:
          if (t.name == "script") break;
          if (anchor != npos && anchor_text.size() < kMaxAnchorText) anchor_text += t.data;
          if (t.name == "style") style_text(t.data);
          else text_urls(t.data);
          break;
        case HtmlToken::comment:
          if (comment_depth < kMaxCommentDepth)
            if (auto inner = conditional_inner(t.data); !inner.empty()) parse(inner, comment_depth + 1);
          break;
      }
    }
    close_anchor();
  }
};

// The tree reader through gumbo: the differential oracle the tests compare the scanner with.
class TreeWalker : public Collector {
 public:
  using Collector::Collector;

  void parse(std::string_view html, int comment_depth) {
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;  // the default error log grows without bound on broken markup
    std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> out(
        gumbo_parse_with_options(&options, html.data(), html.size()),
        [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
    if (!out) return;
    walk(out->document, comment_depth);  // the document node: comments before <html> hang there
  }

 private:
  void walk(const GumboNode* root, int comment_depth) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty() && !full()) {
      const GumboNode* n = stack.back();
      stack.pop_back();
      switch (n->type) {
        case GUMBO_NODE_DOCUMENT: {
          const GumboVector& kids = n->v.document.children;
          for (unsigned i = kids.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
          break;
        }
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          const GumboElement& el = n->v.element;
          std::string tag = tag_name(el);
          std::size_t a = element(tag, [&](const char* name) { return attribute(el, name); });
          if (a != npos) found_[a].anchor_text = inner_text(n);
          if (tag == "style") {
            for (unsigned i = 0; i < el.children.length; ++i) {
              auto* c = static_cast<const GumboNode*>(el.children.data[i]);
              if (c->type == GUMBO_NODE_TEXT) style_text(c->v.text.text);
            }
            break;
          }
          if (tag == "script") break;
          for (unsigned i = el.children.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(el.children.data[i]));
          break;
        }
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
          text_urls(n->v.text.text);
          break;
        case GUMBO_NODE_COMMENT:
          if (comment_depth < kMaxCommentDepth)
            if (auto inner = conditional_inner(n->v.text.text); !inner.empty()) parse(inner, comment_depth + 1);
          break;
        default:
          break;
      }
    }
  }
};

bool skipped_scheme(std::string_view v) {
  for (std::string_view s : {"cid:", "data:", "javascript:", "vbscript:", "about:", "tel:", "sms:", "callto:"})
    if (text::istarts_with(v, s)) return true;
  return false;
}

// "www.example.com:80/x" or "example.co.uk/x": a host a client would link, not a relative path.
bool looks_like_host(std::string_view v) {
  std::string_view first = v.substr(0, v.find_first_of("/?#"));
  first = first.substr(0, first.find(':'));
  if (first.find('.') == std::string_view::npos) return false;
  Host h = normalise_host(first);
  return !h.name.empty() && (h.ip || is_plausible_domain(h.name));
}

std::string curl_resolve(const std::string& base, const std::string& rel) {
  std::string out;
  const CurlApi* curl = curl_api();
  CURLU* u = curl ? curl->url() : nullptr;
  if (!u) return out;
  char* joined = nullptr;
  if (curl->url_set(u, CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl->url_set(u, CURLUPART_URL, rel.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl->url_get(u, CURLUPART_URL, &joined, 0) == CURLUE_OK && joined)
    out = joined;
  curl->free(joined);
  curl->url_cleanup(u);
  return out;
}

}  // namespace

std::string resolve_href(std::string_view value, const std::string& base) {
  std::string v;
  for (char c : text::trim(value))
    if (c != '\t' && c != '\n' && c != '\r') v += c;
  if (v.empty() || v.front() == '#' || skipped_scheme(v)) return "";
  if (v.starts_with("//")) {
    std::string scheme = base.empty() ? "http" : base.substr(0, base.find(':'));
    return scheme + ":" + v;
  }
  auto colon = v.find(':');
  auto slash = v.find_first_of("/?#");
  // A scheme as split_url reads one (a letter, then letters, digits, '+', '-' or '.'), without splitting.
  auto scheme_chars = [&] {
    for (std::size_t i = 0; i < colon; ++i) {
      char c = v[i];
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) return false;
    }
    return true;
  };
  bool has_scheme = colon != std::string::npos && colon > 0 && (slash == std::string::npos || colon < slash) &&
                    v.substr(0, colon).find('.') == std::string::npos && scheme_chars();
  if (has_scheme) return v;
  if (looks_like_host(v)) return (text::istarts_with(v, "ftp.") ? "ftp://" : "http://") + v;
  if (base.empty()) return "";
  return curl_resolve(base, v);
}

std::vector<HtmlUrl> find_html_urls(std::string_view html, const rules::UrlRules& rules, std::size_t max,
                                    std::size_t max_bytes, bool valid_utf8) {
  assert(!valid_utf8 || text::is_valid_utf8(html));  // the claim, verified in the tests' debug builds
  ScanWalker w(rules, max);
  if (html.size() > max_bytes) {
    html = html.substr(0, max_bytes);
    valid_utf8 = false;  // the cut may split a character
  }
  // Invalid UTF-8 reads as U+FFFD, as a browser's decoder (and gumbo) makes it: a stray byte is then not
  // taken for the end of a host. The check is one fast pass; only broken parts pay for the copy.
  if (!valid_utf8 && !text::is_valid_utf8(html)) {
    const std::string fixed = text::valid_utf8(html);
    w.parse(fixed, 0);
    return w.finish();
  }
  w.parse(html, 0);
  return w.finish();
}

std::vector<HtmlUrl> find_html_urls_tree(std::string_view html, const rules::UrlRules& rules, std::size_t max,
                                         std::size_t max_bytes) {
  TreeWalker w(rules, max);
  w.parse(bounded_html(html, max_bytes), 0);
  return w.finish();
}

}  // namespace mailaudit::urls
