#include "script/description_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "core/utf8.h"
#include "core/text_classes.h"

namespace pitchreel {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
  return s.size() - pos >= prefix.size() && lower_ascii(s.substr(pos, prefix.size())) == prefix;
}

bool is_block_tag(std::string_view name) {
  static constexpr std::array kBlock = {
      "br",      "p",       "div",    "li",     "ul",         "ol", "h1", "h2",
      "h3",      "h4",      "h5",     "h6",     "tr",         "td", "th", "table",
      "section", "article", "header", "footer", "blockquote", "dt", "dd", "hr"};
  return std::ranges::find(kBlock, name) != kBlock.end();
}

// Removes tags and comments. A '<' that does not open a tag ("3 < 5") stays text.
std::string strip_tags(std::string_view s) {
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (s.compare(pos, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", pos + 4);
      pos = end == std::string_view::npos ? s.size() : end + 3;
      out += ' ';
      continue;
    }
    const bool opens_tag = s[pos] == '<' && pos + 1 < s.size() &&
                           (std::isalpha(static_cast<unsigned char>(s[pos + 1])) ||
                            s[pos + 1] == '/' || s[pos + 1] == '!');
    const std::size_t close = opens_tag ? s.find('>', pos) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += s[pos++];
      continue;
    }
    std::size_t name_begin = pos + 1 + (s[pos + 1] == '/' ? 1 : 0);
    std::size_t name_end = name_begin;
    while (name_end < close && std::isalnum(static_cast<unsigned char>(s[name_end]))) ++name_end;
    const std::string name = lower_ascii(s.substr(name_begin, name_end - name_begin));
    pos = close + 1;
    if ((name == "script" || name == "style") && s[name_begin - 1] != '/') {
      const std::size_t end = lower_ascii(s.substr(pos)).find("</" + name);
      pos = end == std::string::npos ? s.size() : pos + end;
      continue;
    }
    out += is_block_tag(name) ? '\n' : ' ';
  }
  return out;
}

std::string_view named_entity(std::string_view name) {
  struct Entity {
    std::string_view name, text;
  };
  static constexpr std::array<Entity, 22> kEntities = {{
      {"amp", "&"},   {"lt", "<"},    {"gt", ">"},     {"quot", "\""},  {"apos", "'"},
      {"nbsp", " "},  {"ndash", "–"}, {"mdash", "—"},  {"hellip", "…"}, {"rsquo", "’"},
      {"lsquo", "‘"}, {"rdquo", "”"}, {"ldquo", "“"},  {"trade", "™"},  {"reg", "®"},
      {"copy", "©"},  {"bull", "•"},  {"middot", "·"}, {"deg", "°"},    {"times", "×"},
      {"euro", "€"},  {"pound", "£"},
  }};
  const auto it = std::ranges::find(kEntities, name, &Entity::name);
  return it == kEntities.end() ? std::string_view{} : it->text;
}

// &name; &#39; &#x27;. Unknown entities stay as written.
std::string decode_entities(std::string_view s) {
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t semi = s[pos] == '&' ? s.find(';', pos) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - pos > 10) {
      out += s[pos++];
      continue;
    }
    const std::string_view body = s.substr(pos + 1, semi - pos - 1);
    if (body.size() > 1 && body[0] == '#') {
      const bool hex = body[1] == 'x' || body[1] == 'X';
      const std::string_view digits = body.substr(hex ? 2 : 1);
      std::uint32_t value = 0;
      const auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
      const bool ok = ec == std::errc{} && end == digits.data() + digits.size() && value > 0 &&
                      value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF);
      if (ok) {
        utf8::append(out, value == 0xA0 ? U' ' : static_cast<char32_t>(value));
        pos = semi + 1;
        continue;
      }
    } else if (const std::string_view decoded = named_entity(lower_ascii(body)); !decoded.empty()) {
      out += decoded;
      pos = semi + 1;
      continue;
    }
    out += s[pos++];
  }
  return out;
}

// Code-point pass: valid UTF-8 only, no controls or emoji, '\n' as the only line break.
std::string clean_code_points(std::string_view s) {
  std::string out;
  for (std::size_t pos = 0; pos < s.size();) {
    const utf8::Decoded cp = utf8::decode(s, pos);
    pos += cp.length;
    if (!cp.valid) continue;
    const char32_t c = cp.code_point;
    if (text::is_line_break(c)) {
      out += '\n';
    } else if (text::is_space(c) || text::is_pictograph(c) || text::is_control(c)) {
      out += ' ';  // "great👍deal" reads as two words
    } else if (!text::is_invisible(c)) {
      utf8::append(out, c);
    }
  }
  return out;
}

bool is_url(std::string_view word) {
  return word.find("://") != std::string_view::npos || starts_with_ci(word, 0, "www.");
}

bool is_bullet(std::string_view word) {
  static constexpr std::array<std::string_view, 9> kBullets = {"-", "*", "+", ">", "•",
                                                               "·", "–", "—", "‣"};
  if (std::ranges::find(kBullets, word) != kBullets.end()) return true;
  // "1." "2)" "a)" style numbering
  if (word.size() < 2 || word.size() > 4) return false;
  const char last = word.back();
  const std::string_view head = word.substr(0, word.size() - 1);
  const bool numbered =
      std::ranges::all_of(head, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return (last == '.' || last == ')') && numbered;
}

// Collapses spaces, drops URLs and a leading bullet.
std::string clean_line(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t start = line.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(line.find(' ', start), line.size());
    const std::string_view word = line.substr(start, end - start);
    if (!is_url(word)) words.push_back(word);
    pos = end;
  }
  while (!words.empty() && is_bullet(words.front())) words.erase(words.begin());
  std::string out;
  for (const std::string_view w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  // Bullets written without a space: "•Fast charging", "-Fast".
  for (std::string_view glued : {"•", "·", "‣"}) {
    if (out.starts_with(glued)) out.erase(0, glued.size());
  }
  return out;
}

}  // namespace

std::string clean_description(std::string_view raw) {
  const std::string plain = clean_code_points(decode_entities(strip_tags(raw)));
  std::string out;
  std::size_t pos = 0;
  while (pos <= plain.size()) {
    const std::size_t end = std::min(plain.find('\n', pos), plain.size());
    const std::string line = clean_line(std::string_view(plain).substr(pos, end - pos));
    if (!line.empty()) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    pos = end + 1;
  }
  return out;
}

std::string clean_inline_text(std::string_view raw) {
  std::string out = clean_description(raw);
  std::ranges::replace(out, '\n', ' ');
  return out;
}

}  // namespace pitchreel
