#include "worker/narration.h"

#include <algorithm>
#include <cmath>

#include "media/audio_decode.h"
#include "presenter/speech_features.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

constexpr int kAnalysisRate = 100;  // frames a second for the speech/silence decision
constexpr double kBridge = 0.25;
constexpr double kMinSegment = 0.08;
constexpr int kNarrationRate = 48000;

}  // namespace

std::vector<SpeechSegment> detect_speech_segments(const std::vector<float>& samples,
                                                  int sample_rate) {
  std::vector<SpeechSegment> segments;
  if (samples.empty() || sample_rate <= 0) return segments;
  const auto frames = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(samples.size()) / sample_rate * kAnalysisRate));
  const auto features = analyse_speech(samples, sample_rate, kAnalysisRate, 0, frames);
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (features[i].silent) continue;
    const double t = static_cast<double>(i) / kAnalysisRate;
    if (!segments.empty() && t - segments.back().end <= kBridge) {
      segments.back().end = t + 1.0 / kAnalysisRate;
    } else {
      segments.push_back({t, t + 1.0 / kAnalysisRate});
    }
  }
  std::erase_if(segments, [](const SpeechSegment& s) { return s.end - s.start < kMinSegment; });
  const double duration = static_cast<double>(samples.size()) / sample_rate;
  for (auto& s : segments) s.end = std::min(s.end, duration);
  return segments;
}

std::vector<WordTiming> distribute_words(std::string_view script,
                                         const std::vector<SpeechSegment>& segments) {
  const auto words = split_words(script);
  std::vector<WordTiming> out;
  if (words.empty() || segments.empty()) return out;
  double speech = 0;
  for (const auto& s : segments) speech += s.end - s.start;
  double weight_total = 0;
  for (const auto w : words) weight_total += static_cast<double>(w.size()) + 1;

  // Each segment takes the next words until its share of the total weight is used; a
  // segment always gets at least one word while words remain.
  std::size_t w = 0;
  double used = 0;
  for (std::size_t k = 0; k < segments.size() && w < words.size(); ++k) {
    const SpeechSegment& seg = segments[k];
    const double share_end = (used + (seg.end - seg.start)) / speech * weight_total;
    used += seg.end - seg.start;
    std::vector<std::size_t> mine;
    double weight_before = 0;
    for (std::size_t i = 0; i < w; ++i) weight_before += static_cast<double>(words[i].size()) + 1;
    double acc = weight_before;
    while (w < words.size()) {
      const double next = acc + static_cast<double>(words[w].size()) + 1;
      const bool last_segment = k + 1 == segments.size();
      // Take the word when most of it falls in this segment's share.
      if (!last_segment && !mine.empty() && (acc + next) / 2 > share_end) break;
      mine.push_back(w);
      acc = next;
      ++w;
    }
    double mine_weight = 0;
    for (auto i : mine) mine_weight += static_cast<double>(words[i].size()) + 1;
    double t = seg.start;
    for (auto i : mine) {
      const double d =
          (seg.end - seg.start) * (static_cast<double>(words[i].size()) + 1) / mine_weight;
      out.push_back({std::string(words[i]), t, t + d});
      t += d;
    }
  }
  // Segments ran out first: the rest share the end of the last one.
  for (; w < words.size(); ++w) {
    const double end = segments.back().end;
    out.push_back({std::string(words[w]), std::max(out.back().start, end - 0.2), end});
  }
  return out;
}

Result<Speech> narration_speech(const std::filesystem::path& audio, std::string_view script) {
  auto decoded = decode_audio_file(audio, {.target_rate = kNarrationRate});
  if (!decoded) return fail(decoded.error());
  Speech speech;
  speech.samples = std::move(decoded->samples);
  speech.sample_rate = decoded->sample_rate;
  const auto segments = detect_speech_segments(speech.samples, speech.sample_rate);
  if (segments.empty()) {
    return fail(Error::invalid("audio_silent", audio.filename().string() +
                                                   " holds no speech (it is silent or almost "
                                                   "silent). Use a recorded narration."));
  }
  speech.words = distribute_words(script, segments);
  return speech;
}

}  // namespace pitchreel
