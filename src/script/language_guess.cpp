#include "script/language_guess.h"

#include <libexttextcat/textcat.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/text_classes.h"
#include "core/utf8.h"
#include "script/language_evidence.h"
#include "script/script_phrases.h"

namespace pitchreel {
namespace {

#ifndef PITCHREEL_TEXTCAT_DIR
#define PITCHREEL_TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif

// Below this, n-gram statistics are noise ("x" looks Somali) and textcat is not asked.
constexpr std::size_t kMinLetters = 10;
// Below this, textcat still answers confidently and often wrongly ("Desk lamp black":
// Swedish, "Aurora Travel Mug": Catalan): its answer counts only where the evidence of
// script, letters and words allows it.
constexpr std::size_t kShortLetters = 40;

struct TextcatFree {
  void operator()(void* handle) const { textcat_Done(handle); }
};

struct Guesser {
  Guesser() {
    const std::string dir = PITCHREEL_TEXTCAT_DIR;
    handle.reset(special_textcat_Init((dir + "fpdb.conf").c_str(), dir.c_str()));
    if (!handle) {
      spdlog::warn("language detection unavailable: cannot load {}fpdb.conf (install "
                   "libexttextcat-data); scripts are written in English",
                   dir);
    }
  }
  std::mutex mutex;
  std::unique_ptr<void, TextcatFree> handle;
};

Guesser& guesser() {
  static Guesser instance;
  return instance;
}

// "[de--utf8][lb--utf8]" -> {"de", "lb"}; "[zh-CN-utf8]" -> {"zh"}.
std::vector<std::string> candidates(std::string_view answer) {
  std::vector<std::string> out;
  for (std::size_t open = answer.find('['); open != std::string_view::npos;
       open = answer.find('[', open + 1)) {
    const std::size_t close = answer.find(']', open);
    if (close == std::string_view::npos) break;
    const std::string_view id = answer.substr(open + 1, close - open - 1);
    out.emplace_back(id.substr(0, id.find('-')));
  }
  return out;
}

}  // namespace

std::string guess_language(std::string_view text) {
  // A few hundred bytes decide; the rest only costs time.
  const std::string_view sample = text.substr(0, 1000);
  std::size_t letters = 0;
  for (std::size_t pos = 0; pos < sample.size();) letters += text::is_letter(utf8::next(sample, pos));
  const bool short_text = letters < kShortLetters;
  // Short text is judged first by its script, its letters and its function words.
  LanguageEvidence evidence;
  if (short_text) {
    evidence = weigh_language_evidence(sample);
    if (!evidence.language.empty() || letters < kMinLetters) return evidence.language;
  }
  Guesser& g = guesser();
  std::vector<std::string> ranked;
  {
    std::lock_guard lock(g.mutex);
    if (g.handle) {
      const char* answer = textcat_Classify(g.handle.get(), sample.data(), sample.size());
      if (answer != nullptr) ranked = candidates(answer);
    }
  }
  // Scots' fingerprint matches plain English product copy; no shop writes in it.
  std::erase(ranked, std::string("sco"));
  if (short_text) {
    // Only a candidate the evidence allows; no evidence at all allows none.
    for (const std::string& language : ranked) {
      if (std::ranges::find(evidence.possible, language) != evidence.possible.end()) return language;
    }
    return "";
  }
  // textcat found nothing close ("UNKNOWN") or is not installed: the letters may still say.
  if (ranked.empty()) return language_from_evidence(sample);
  for (const std::string& language : ranked) {
    if (phrases::for_language(language) != nullptr) return language;
  }
  return ranked.front();
}

}  // namespace pitchreel
