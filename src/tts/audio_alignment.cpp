#include "tts/audio_alignment.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "core/text_classes.h"
#include "core/utf8.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

constexpr double kHopS = 0.010;         // envelope resolution
constexpr double kPauseS = 0.150;       // a silence this long separates phrases
constexpr double kMinWordS = 0.050;     // no word is shorter than this
constexpr double kSnapFraction = 0.35;  // how far (in word lengths) a boundary may move to a dip

// Frame energies in dB, 20 ms windows every 10 ms.
std::vector<double> energy_envelope(std::span<const float> samples, int rate) {
  const auto hop = static_cast<std::size_t>(std::max(1.0, kHopS * rate));
  const std::size_t window = 2 * hop;
  std::vector<double> db;
  for (std::size_t start = 0; start < samples.size(); start += hop) {
    const std::size_t end = std::min(samples.size(), start + window);
    double sum = 0;
    for (std::size_t i = start; i < end; ++i) sum += double(samples[i]) * samples[i];
    db.push_back(10.0 * std::log10(sum / double(std::max<std::size_t>(1, end - start)) + 1e-10));
  }
  return db;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * double(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

struct Span {
  int begin = 0;  // frames, [begin, end)
  int end = 0;
  int length() const { return end - begin; }
};

// Voiced phrases: runs of voiced frames joined across silences shorter than kPauseS.
std::vector<Span> phrases(const std::vector<bool>& voiced) {
  const int pause_frames = static_cast<int>(std::lround(kPauseS / kHopS));
  std::vector<Span> out;
  const int n = static_cast<int>(voiced.size());
  int i = 0;
  while (i < n) {
    if (!voiced[static_cast<std::size_t>(i)]) {
      ++i;
      continue;
    }
    int j = i;
    while (j < n && voiced[static_cast<std::size_t>(j)]) ++j;
    if (!out.empty() && i - out.back().end < pause_frames) {
      out.back().end = j;
    } else {
      out.push_back({i, j});
    }
    i = j;
  }
  return out;
}

bool ends_clause(std::string_view word) {
  while (!word.empty() && (word.back() == '"' || word.back() == '\'' || word.back() == ')')) {
    word.remove_suffix(1);
  }
  return !word.empty() && std::string_view(",.;:!?").find(word.back()) != std::string_view::npos;
}

// Shares the words out over the phrases: result[j] is the first word of phrase j.
std::vector<int> assign_words(const std::vector<Span>& spans, const std::vector<double>& weights,
                              const std::vector<bool>& pause_after) {
  const int m = static_cast<int>(spans.size());
  const int n = static_cast<int>(weights.size());
  std::vector<double> prefix(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + weights[static_cast<std::size_t>(i)];
  double frames = 0;
  for (const auto& s : spans) frames += s.length();
  const double per_weight = frames / prefix[n];
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // cost[j][i]: phrases 0..j-1 hold words 0..i-1.
  std::vector<std::vector<double>> cost(static_cast<std::size_t>(m) + 1,
                                        std::vector<double>(static_cast<std::size_t>(n) + 1, kInf));
  std::vector<std::vector<int>> from(static_cast<std::size_t>(m) + 1,
                                     std::vector<int>(static_cast<std::size_t>(n) + 1, -1));
  cost[0][0] = 0;
  for (int j = 1; j <= m; ++j) {
    const double length = spans[static_cast<std::size_t>(j - 1)].length();
    for (int i = j; i <= n - (m - j); ++i) {
      for (int k = j - 1; k < i; ++k) {
        if (cost[j - 1][k] == kInf) continue;
        const double expected = per_weight * (prefix[i] - prefix[k]);
        const double ratio = std::log((length + 2) / (expected + 2));
        double c = cost[j - 1][k] + ratio * ratio;
        if (j < m) c += pause_after[static_cast<std::size_t>(i - 1)] ? -0.3 : 0.3;
        if (c < cost[j][i]) {
          cost[j][i] = c;
          from[j][i] = k;
        }
      }
    }
  }
  std::vector<int> first(static_cast<std::size_t>(m));
  int i = n;
  for (int j = m; j >= 1; --j) {
    const int k = from[j][i];
    first[static_cast<std::size_t>(j - 1)] = k;
    i = k;
  }
  return first;
}

// The frame near `expected` (within `reach`) where the energy dips deepest, preferring
// frames close to `expected`.
int deepest_dip(const std::vector<double>& db, int expected, int reach, int lo, int hi,
                double range_db) {
  int best = std::clamp(expected, lo, hi);
  double best_score = std::numeric_limits<double>::infinity();
  for (int f = std::max(lo, expected - reach); f <= std::min(hi, expected + reach); ++f) {
    const double distance = reach > 0 ? std::abs(f - expected) / double(reach) : 0;
    const double score = db[static_cast<std::size_t>(f)] + 0.25 * range_db * distance * distance;
    if (score < best_score) {
      best_score = score;
      best = f;
    }
  }
  return best;
}

}  // namespace

double syllable_weight(std::string_view word) {
  int groups = 0, letters = 0, digits = 0, other = 0;
  bool in_vowel = false;
  std::size_t pos = 0;
  std::string lower;
  while (pos < word.size()) {
    const char32_t c = utf8::next(word, pos);
    if (c < 0x80 && std::isalpha(static_cast<int>(c))) {
      const char l = static_cast<char>(std::tolower(static_cast<int>(c)));
      lower += l;
      ++letters;
      const bool vowel = std::string_view("aeiouy").find(l) != std::string_view::npos;
      if (vowel && !in_vowel) ++groups;
      in_vowel = vowel;
    } else if (c < 0x80 && std::isdigit(static_cast<int>(c))) {
      ++digits;
      in_vowel = false;
    } else if (c >= 0x80 && text::is_word_char(c)) {
      ++other;  // a letter we cannot syllabify: about a third of a syllable each
      in_vowel = false;
    } else {
      in_vowel = false;
    }
  }
  // A silent final e ("make", "phone"), but not "the" or "-le" ("simple").
  if (groups > 1 && lower.size() > 2 && lower.back() == 'e' && lower[lower.size() - 2] != 'l' &&
      std::string_view("aeiouy").find(lower[lower.size() - 2]) == std::string_view::npos) {
    --groups;
  }
  const double syllables = groups + 1.4 * digits + other / 3.0;
  return std::max(0.5, syllables) + 0.12 * (letters + digits + other);
}

AlignmentPrior syllable_prior(std::string_view script) {
  AlignmentPrior prior;
  for (const auto w : split_words(script)) {
    prior.weights.push_back(syllable_weight(w));
    prior.pause_after.push_back(ends_clause(w));
  }
  return prior;
}

AlignmentPrior reference_prior(std::string_view script, const std::vector<WordTiming>& reference) {
  if (reference.size() != split_words(script).size()) return syllable_prior(script);
  AlignmentPrior prior;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const WordTiming& w = reference[i];
    const bool last = i + 1 == reference.size();
    const double gap = last ? 0 : reference[i + 1].start - w.end;
    const bool pause = gap >= kPauseS * 0.5;
    // A word lasts until the next one starts, unless a pause separates them.
    const double length = last || pause ? w.end - w.start : reference[i + 1].start - w.start;
    prior.weights.push_back(std::max(0.02, length));
    prior.pause_after.push_back(pause);
  }
  return prior;
}

std::vector<WordTiming> align_script_to_audio(std::string_view script,
                                              std::span<const float> samples, int sample_rate) {
  return align_script_to_audio(script, samples, sample_rate, syllable_prior(script));
}

std::vector<WordTiming> align_script_to_audio(std::string_view script,
                                              std::span<const float> samples, int sample_rate,
                                              const AlignmentPrior& prior) {
  const std::vector<std::string_view> words = split_words(script);
  std::vector<WordTiming> out;
  if (words.empty() || sample_rate <= 0 || samples.empty()) return out;
  if (prior.weights.size() != words.size() || prior.pause_after.size() != words.size()) {
    return align_script_to_audio(script, samples, sample_rate, syllable_prior(script));
  }
  const double duration = double(samples.size()) / sample_rate;
  const std::vector<double> db = energy_envelope(samples, sample_rate);
  const double floor_db = percentile(db, 0.10);
  const double peak_db = percentile(db, 0.95);
  const double range_db = std::max(1.0, peak_db - floor_db);
  const double threshold = floor_db + 0.3 * range_db;
  std::vector<bool> voiced(db.size());
  for (std::size_t i = 0; i < db.size(); ++i) voiced[i] = range_db > 6 && db[i] >= threshold;

  std::vector<Span> spans = phrases(voiced);
  if (spans.empty()) spans.push_back({0, static_cast<int>(db.size())});  // silence: spread evenly
  // More phrases than words: join across the shortest pauses.
  while (spans.size() > words.size()) {
    std::size_t shortest = 0;
    for (std::size_t j = 1; j + 1 < spans.size(); ++j) {
      if (spans[j + 1].begin - spans[j].end < spans[shortest + 1].begin - spans[shortest].end) {
        shortest = j;
      }
    }
    spans[shortest].end = spans[shortest + 1].end;
    spans.erase(spans.begin() + static_cast<std::ptrdiff_t>(shortest) + 1);
  }
  const std::vector<double>& weights = prior.weights;
  const std::vector<int> first = assign_words(spans, weights, prior.pause_after);

  const int min_frames = std::max(1, static_cast<int>(std::lround(kMinWordS / kHopS)));
  for (std::size_t j = 0; j < spans.size(); ++j) {
    const Span span = spans[j];
    const int a = first[j];
    const int b = j + 1 < spans.size() ? first[j + 1] : static_cast<int>(words.size());
    double total = 0;
    for (int i = a; i < b; ++i) total += weights[static_cast<std::size_t>(i)];
    // Boundaries between the phrase's words, in frames.
    std::vector<int> starts = {span.begin};
    double acc = 0;
    for (int i = a; i + 1 < b; ++i) {
      acc += weights[static_cast<std::size_t>(i)];
      const int expected = span.begin + static_cast<int>(std::lround(acc / total * span.length()));
      const double word_frames = weights[static_cast<std::size_t>(i)] / total * span.length();
      const int reach = static_cast<int>(kSnapFraction * word_frames);
      const int lo = starts.back() + min_frames;
      const int hi = span.end - min_frames * (b - i - 1);
      int boundary = lo <= hi ? deepest_dip(db, expected, reach, lo, hi, range_db)
                              : std::max(starts.back() + 1, std::min(expected, span.end - 1));
      // A boundary inside a short silence belongs to the next word's onset.
      int onset = boundary;
      while (onset + 1 < span.end && onset - boundary < min_frames * 3 &&
             !voiced[static_cast<std::size_t>(onset)]) {
        ++onset;
      }
      if (voiced[static_cast<std::size_t>(onset)] && onset <= hi) boundary = onset;
      starts.push_back(boundary);
    }
    for (int i = a; i < b; ++i) {
      const std::size_t k = static_cast<std::size_t>(i - a);
      const int start = starts[k];
      int end = k + 1 < starts.size() ? starts[k + 1] : span.end;
      // The word ends where its voicing stops before the next onset (a gap stays a gap).
      int voiced_end = end;
      while (voiced_end - 1 > start && !voiced[static_cast<std::size_t>(voiced_end - 1)])
        --voiced_end;
      if (voiced[static_cast<std::size_t>(voiced_end - 1)]) end = voiced_end;
      out.push_back({std::string(words[static_cast<std::size_t>(i)]),
                     std::min(duration, start * kHopS), std::min(duration, end * kHopS)});
    }
  }
  // Monotonic and non-empty whatever rounding did.
  double previous_end = 0;
  for (auto& w : out) {
    w.start = std::clamp(w.start, previous_end, duration);
    w.end = std::clamp(w.end, w.start, duration);
    if (w.end <= w.start) w.end = std::min(duration, w.start + 0.001);
    previous_end = w.end;
  }
  return out;
}

}  // namespace pitchreel
