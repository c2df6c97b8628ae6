#include "media/soundtrack.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "media/audio_decode.h"
#include "media/audio_resample.h"

namespace pitchreel {

std::vector<float> ducking_gain(std::span<const float> narration, int sample_rate,
                                std::size_t delay, std::size_t length, float duck) {
  std::vector<float> gain(length, 1.0f);
  const auto window = static_cast<std::size_t>(std::max(1, sample_rate / 20));  // 50 ms
  const auto hold = static_cast<std::size_t>(sample_rate / 4);
  // Speech where the window's RMS is within 40 dB of the narration's loudest window.
  std::vector<double> rms;
  double loudest = 0;
  for (std::size_t begin = 0; begin < narration.size(); begin += window) {
    const std::size_t end = std::min(narration.size(), begin + window);
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += narration[i] * narration[i];
    rms.push_back(std::sqrt(sum / static_cast<double>(end - begin)));
    loudest = std::max(loudest, rms.back());
  }
  // The target is `duck` from each speaking window's start to its end plus the hold, else 1:
  // kept as those stretches, merged where they touch, not as a per-sample array (a
  // track-length array freed here would stay resident in this thread's malloc arena while
  // the video encodes). Each pass walks them with a cursor.
  std::vector<std::pair<std::size_t, std::size_t>> ducked;  // [from, to), in order, apart
  for (std::size_t w = 0; w < rms.size(); ++w) {
    if (loudest <= 0 || rms[w] < loudest * 0.01) continue;
    const std::size_t from = delay + w * window;
    const std::size_t to = std::min(length, from + window + hold);
    if (from >= to) continue;
    if (!ducked.empty() && from <= ducked.back().second) {
      ducked.back().second = std::max(ducked.back().second, to);
    } else {
      ducked.emplace_back(from, to);
    }
  }
  // Ramps: quick down (the music must be out of the way when the word starts: the ramp
  // is run backwards too, so it begins before the word), slower back up.
  const float down = 1.0f - std::exp(-1.0f / (0.08f * static_cast<float>(sample_rate)));
  const float up = 1.0f - std::exp(-1.0f / (0.30f * static_cast<float>(sample_rate)));
  float g = 1.0f;
  std::size_t next = 0;  // the first stretch not ended before i
  for (std::size_t i = 0; i < length; ++i) {
    while (next < ducked.size() && ducked[next].second <= i) ++next;
    const float t = next < ducked.size() && ducked[next].first <= i ? duck : 1.0f;
    g += (t < g ? down : up) * (t - g);
    gain[i] = g;
  }
  g = 1.0f;
  std::size_t open = ducked.size();  // stretches [0, open) start at or before i
  for (std::size_t i = length; i-- > 0;) {
    while (open > 0 && ducked[open - 1].first > i) --open;
    const float t = open > 0 && i < ducked[open - 1].second ? duck : 1.0f;
    g += (t < g ? down : up) * (t - g);
    gain[i] = std::min(gain[i], g);
  }
  return gain;
}

Result<Soundtrack> make_soundtrack(std::vector<float> narration, int narration_rate,
                                   const SoundtrackOptions& options) {
  const int sample_rate = options.sample_rate > 0 ? options.sample_rate : narration_rate;
  if (sample_rate != narration_rate) {
    narration = resample_mono(narration, narration_rate, sample_rate);
  }
  Soundtrack track;
  track.sample_rate = sample_rate;
  const auto delay = static_cast<std::size_t>(std::lround(options.delay * sample_rate));
  const std::size_t length =
      std::max(delay + narration.size(),
               static_cast<std::size_t>(std::lround(options.duration * sample_rate)));
  track.samples.assign(length, 0.0f);
  const std::span<float> voice = std::span(track.samples).subspan(delay, narration.size());
  std::copy(narration.begin(), narration.end(), voice.begin());
  // Freed, a narration of minutes would stay in the allocator's free lists, resident; its
  // pages go back to the system now, and the passes below hold it once.
  std::vector<float>().swap(narration);
  malloc_trim(0);
  auto report = normalize_loudness(voice, sample_rate, options.narration_loudness);
  if (!report) return fail(report.error());
  track.narration = *report;
  if (options.music.empty()) return track;

  // Only as much of the music as the video plays: a song is minutes long, the video half a
  // minute (a whole 4-minute song took a 1080p render from 285 to 350 MB).
  const AudioDecodeOptions music_options{
      .target_rate = sample_rate,
      .max_seconds = 3600,
      .keep_seconds = static_cast<double>(length) / sample_rate + 0.1};
  auto music = decode_audio_file(options.music, music_options);
  if (!music) return fail(music.error());
  if (music->samples.empty()) {
    return fail(Error::invalid("audio_empty",
                               options.music.filename().string() + " has no audio in it."));
  }
  auto music_lufs = integrated_loudness(music->samples, sample_rate);
  if (!music_lufs) return fail(music_lufs.error());
  const double level =
      std::isfinite(*music_lufs) ? std::pow(10.0, (options.music_lufs - *music_lufs) / 20.0) : 0;
  const std::vector<float> duck =
      ducking_gain(voice, sample_rate, delay, length,
                   static_cast<float>(std::pow(10.0, -options.duck_db / 20.0)));
  const auto fade = static_cast<std::size_t>(options.fade_out * sample_rate);
  const std::size_t n = music->samples.size();
  for (std::size_t i = 0; i < length; ++i) {
    const float m = music->samples[i % n];  // looped, or trimmed, to the video's length
    float f = 1.0f;
    if (i + fade >= length && fade > 0) f = static_cast<float>(length - i) / static_cast<float>(fade);
    track.samples[i] += static_cast<float>(m * level) * duck[i] * f;
  }
  // The music adds a little to the peaks; the same ceiling holds for the mix.
  limit_peaks(track.samples, sample_rate,
              std::pow(10.0, (options.narration_loudness.true_peak_dbtp - 0.5) / 20.0));
  return track;
}

}  // namespace pitchreel
