#include "tts/sphinx_alignment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

extern "C" {
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>
}

#include "core/text_classes.h"
#include "core/utf8.h"
#include "media/audio_resample.h"
#include "tts/word_alignment.h"

#ifndef PITCHREEL_SPHINX_MODELDIR
#define PITCHREEL_SPHINX_MODELDIR "/usr/share/pocketsphinx/model"
#endif

namespace pitchreel {
namespace {

constexpr int kRate = 16000;       // what the en-us acoustic model was trained on
constexpr double kFrameS = 0.010;  // the decoder's frame step
constexpr char kSearch[] = "script";

struct ConfigDeleter {
  void operator()(cmd_ln_t* c) const { cmd_ln_free_r(c); }
};
struct DecoderDeleter {
  void operator()(ps_decoder_t* d) const { ps_free(d); }
};
struct SegmentDeleter {
  void operator()(ps_seg_t* s) const { ps_seg_free(s); }
};
struct SphinxStringDeleter {
  void operator()(char* s) const { ckd_free(s); }
};
using ConfigPtr = std::unique_ptr<cmd_ln_t, ConfigDeleter>;
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;
using SegmentPtr = std::unique_ptr<ps_seg_t, SegmentDeleter>;
using SphinxString = std::unique_ptr<char, SphinxStringDeleter>;

// The word as the dictionary spells it: ASCII letters, digits and apostrophes, lower case
// ("Today." -> "today", "it’s" -> "it's", "hand-made" -> "handmade"). Empty when nothing
// is left or a letter is not ASCII: the English dictionary cannot say it.
std::string dictionary_spelling(std::string_view word) {
  std::string out;
  std::size_t pos = 0;
  while (pos < word.size()) {
    const char32_t c = utf8::next(word, pos);
    if (c == U'\u2019' || c == U'\u2018' || c == U'\'') {
      out += '\'';
    } else if (c < 0x80 && std::isalnum(static_cast<int>(c))) {
      out += static_cast<char>(std::tolower(static_cast<int>(c)));
    } else if (c >= 0x80 && text::is_word_char(c)) {
      return {};  // a letter or digit beyond ASCII: the English dictionary cannot say it
    }
  }
  const auto first = out.find_first_not_of('\'');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of('\'') - first + 1);
}

std::string lookup(ps_decoder_t* ps, const std::string& spelling) {
  const SphinxString phones(ps_lookup_word(ps, spelling.c_str()));
  return phones ? std::string(phones.get()) : std::string();
}

// Makes sure the dictionary can say `spelling`: it is there, or it is dictionary words run
// together ("earbuds" = "ear" + "buds"; the fewest pieces of two letters or more win),
// which is then added. False when neither.
bool ensure_pronunciation(ps_decoder_t* ps, const std::string& spelling) {
  if (!lookup(ps, spelling).empty()) return true;
  const std::size_t n = spelling.size();
  constexpr int kNone = std::numeric_limits<int>::max();
  std::vector<int> pieces(n + 1, kNone);  // pieces[i]: fewest pieces spelling [0, i)
  std::vector<std::size_t> from(n + 1, 0);
  std::vector<std::string> phones(n + 1);
  pieces[0] = 0;
  for (std::size_t end = 2; end <= n; ++end) {
    for (std::size_t begin = 0; begin + 2 <= end; ++begin) {
      if (pieces[begin] == kNone || pieces[begin] + 1 >= pieces[end]) continue;
      std::string piece = lookup(ps, spelling.substr(begin, end - begin));
      if (piece.empty()) continue;
      pieces[end] = pieces[begin] + 1;
      from[end] = begin;
      phones[end] = std::move(piece);
    }
  }
  if (pieces[n] == kNone) return false;
  std::string pronunciation;
  for (std::size_t end = n; end > 0; end = from[end]) {
    pronunciation = phones[end] + (pronunciation.empty() ? "" : " " + pronunciation);
  }
  return ps_add_word(ps, spelling.c_str(), pronunciation.c_str(), FALSE) >= 0;
}

// 16 kHz signed 16-bit, what ps_process_raw reads, with one bit of noise added: exact
// digital silence (synthesisers start and end with it) has no spectrum, and the decoder
// then finds no path at all. The noise is the same for the same audio (a fixed-seed
// generator per call), so alignments are reproducible.
std::vector<std::int16_t> decoder_input(std::span<const float> samples, int sample_rate) {
  const std::vector<float> resampled = resample_mono(samples, sample_rate, kRate);
  std::vector<std::int16_t> pcm(resampled.size());
  std::minstd_rand noise(1);
  std::transform(resampled.begin(), resampled.end(), pcm.begin(), [&noise](float s) {
    const long dither = static_cast<long>(noise() % 3) - 1;
    return static_cast<std::int16_t>(
        std::clamp(std::lround(s * 32767.0f) + dither, -32768L, 32767L));
  });
  return pcm;
}

// The segment's dictionary word without an alternative pronunciation's "(2)".
std::string_view segment_word(ps_seg_t* segment) {
  std::string_view word = ps_seg_word(segment);
  if (const auto paren = word.find('('); paren != std::string_view::npos) {
    word = word.substr(0, paren);
  }
  return word;
}

}  // namespace

struct SphinxAligner::Decoder {
  DecoderPtr ps;
};

SphinxModel default_sphinx_model() {
  const std::filesystem::path dir = std::filesystem::path(PITCHREEL_SPHINX_MODELDIR) / "en-us";
  return {dir / "en-us", dir / "cmudict-en-us.dict"};
}

SphinxAligner::SphinxAligner(SphinxModel model) : model_(std::move(model)) {}
SphinxAligner::~SphinxAligner() = default;

SphinxAligner& SphinxAligner::shared() {
  static SphinxAligner aligner;
  return aligner;
}

std::optional<std::vector<WordTiming>> SphinxAligner::align(std::string_view script,
                                                            std::span<const float> samples,
                                                            int sample_rate) {
  const std::vector<std::string_view> words = split_words(script);
  if (words.empty() || samples.empty() || sample_rate <= 0) return std::nullopt;
  const std::lock_guard lock(mutex_);
  if (!tried_) {
    tried_ = true;
    std::error_code ec;
    if (!std::filesystem::exists(model_.acoustic / "mdef", ec) ||
        !std::filesystem::exists(model_.dictionary, ec)) {
      spdlog::warn(
          "speech alignment: no PocketSphinx model at {} (install pocketsphinx-en-us); word "
          "timings of remote speech come from the audio's energy",
          model_.acoustic.string());
      return std::nullopt;
    }
    // PocketSphinx logs every setting and each utterance to stderr; its log is process-wide.
    err_set_logfp(nullptr);
    // Wider beams than the defaults: a one-sentence grammar has few paths, and at fast
    // rates the defaults sometimes prune the only one. No noise removal: its noise estimate
    // carries over from one utterance to the next, so the same audio would align
    // differently depending on what came before. No silence removal: every frame should be
    // seen (quiet onsets are speech).
    const ConfigPtr config(cmd_ln_init(
        nullptr, ps_args(), TRUE, "-hmm", model_.acoustic.c_str(), "-dict",
        model_.dictionary.c_str(), "-beam", "1e-60", "-pbeam", "1e-60", "-wbeam", "1e-40",
        "-remove_silence", "no", "-remove_noise", "no", static_cast<const char*>(nullptr)));
    DecoderPtr ps(config ? ps_init(config.get()) : nullptr);  // keeps its own config reference
    if (!ps) {
      spdlog::warn("speech alignment: PocketSphinx could not load its model from {}",
                   model_.acoustic.string());
      return std::nullopt;
    }
    decoder_ = std::make_unique<Decoder>(Decoder{std::move(ps)});
  }
  if (!decoder_) return std::nullopt;
  ps_decoder_t* ps = decoder_->ps.get();

  std::vector<std::string> spellings;
  std::string grammar = "#JSGF V1.0;\ngrammar script;\npublic <script> =";
  for (const auto word : words) {
    std::string spelling = dictionary_spelling(word);
    if (spelling.empty() || !ensure_pronunciation(ps, spelling)) {
      spdlog::debug("speech alignment: no pronunciation for \"{}\"", word);
      return std::nullopt;
    }
    grammar += " " + spelling;
    spellings.push_back(std::move(spelling));
  }
  grammar += ";\n";
  if (ps_set_jsgf_string(ps, kSearch, grammar.c_str()) < 0 || ps_set_search(ps, kSearch) < 0) {
    return std::nullopt;
  }
  const std::vector<std::int16_t> pcm = decoder_input(samples, sample_rate);
  if (pcm.empty() || ps_start_utt(ps) < 0) return std::nullopt;
  const int frames = ps_process_raw(ps, pcm.data(), pcm.size(), FALSE, TRUE);
  if (ps_end_utt(ps) < 0 || frames < 0) return std::nullopt;

  const double duration = double(samples.size()) / sample_rate;
  std::vector<WordTiming> out;
  for (SegmentPtr segment(ps_seg_iter(ps)); segment;
       segment.reset(ps_seg_next(segment.release()))) {
    const std::string_view name = segment_word(segment.get());
    if (name.empty() || name.front() == '<' || name.front() == '[') continue;  // silence, filler
    const std::size_t i = out.size();
    if (i == words.size() || name != spellings[i]) return std::nullopt;
    int first = 0, last = 0;
    ps_seg_frames(segment.get(), &first, &last);
    const double start = first * kFrameS;
    const double end = std::min(duration, (last + 1) * kFrameS);
    if (start < (i > 0 ? out.back().end : 0.0) || end <= start) return std::nullopt;
    out.push_back({std::string(words[i]), start, end});
  }
  if (out.size() != words.size()) {
    spdlog::debug("speech alignment: PocketSphinx found {} of {} words", out.size(), words.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace pitchreel
