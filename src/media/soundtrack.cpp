#include "media/soundtrack.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>

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
  // The target is `duck` from each speaking window's start to its end plus the hold: a
  // sample is ducked when a speaking window starts in (k - window - hold, k], k its offset
  // into the narration. Counted per window, not stored per sample: a track-length array
  // freed here would stay resident in this thread's malloc arena while the video encodes.
  std::vector<std::size_t> speaking_before(rms.size() + 1, 0);  // speaking windows < w
  for (std::size_t w = 0; w < rms.size(); ++w) {
    const bool speaking = loudest > 0 && rms[w] >= loudest * 0.01;
    speaking_before[w + 1] = speaking_before[w] + (speaking ? 1 : 0);
  }
  const auto target = [&](std::size_t i) {
    if (i < delay) return 1.0f;
    const std::size_t k = i - delay;
    const std::size_t last = std::min(k / window + 1, rms.size());  // windows starting <= k
    const std::size_t reach = window + hold;
    const std::size_t first = k >= reach ? (k - reach) / window + 1 : 0;  // starting > k - reach
    return first < last && speaking_before[last] > speaking_before[first] ? duck : 1.0f;
  };
  // Ramps: quick down (the music must be out of the way when the word starts: the ramp
  // is run backwards too, so it begins before the word), slower back up.
  const float down = 1.0f - std::exp(-1.0f / (0.08f * static_cast<float>(sample_rate)));
  const float up = 1.0f - std::exp(-1.0f / (0.30f * static_cast<float>(sample_rate)));
  float g = 1.0f;
  for (std::size_t i = 0; i < length; ++i) {
    const float t = target(i);
    g += (t < g ? down : up) * (t - g);
    gain[i] = g;
  }
  g = 1.0f;
  for (std::size_t i = length; i-- > 0;) {
    const float t = target(i);
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

  auto music = decode_audio_file(options.music, sample_rate, 3600);
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
