#include "media/audio_resample.h"

#include <algorithm>
#include <cstdint>

#include "media/av_handles.h"

namespace pitchreel {

std::vector<float> resample_mono(std::span<const float> samples, int from_rate, int to_rate) {
  if (samples.empty() || from_rate <= 0 || to_rate <= 0) return {};
  if (from_rate == to_rate) return {samples.begin(), samples.end()};
  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  SwrContext* raw = nullptr;
  const int err = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, to_rate, &mono,
                                      AV_SAMPLE_FMT_FLT, from_rate, 0, nullptr);
  av::SwrPtr swr(raw);
  if (err < 0 || swr_init(raw) < 0) return {};
  const int in_count = static_cast<int>(samples.size());
  std::vector<float> out(static_cast<std::size_t>(swr_get_out_samples(raw, in_count)));
  auto* dst = reinterpret_cast<std::uint8_t*>(out.data());
  const auto* src = reinterpret_cast<const std::uint8_t*>(samples.data());
  const int converted = swr_convert(raw, &dst, static_cast<int>(out.size()), &src, in_count);
  if (converted < 0) return {};
  // What the filter still holds.
  std::size_t size = static_cast<std::size_t>(converted);
  out.resize(size + static_cast<std::size_t>(std::max(0, swr_get_out_samples(raw, 0))));
  dst = reinterpret_cast<std::uint8_t*>(out.data() + size);
  const int flushed = swr_convert(raw, &dst, static_cast<int>(out.size() - size), nullptr, 0);
  size += static_cast<std::size_t>(std::max(0, flushed));
  out.resize(size);
  for (float& s : out) s = std::clamp(s, -1.0f, 1.0f);
  return out;
}

}  // namespace pitchreel
