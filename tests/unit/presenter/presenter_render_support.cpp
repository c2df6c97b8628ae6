#include "presenter_render_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "media/audio_decode.h"
#include "media/color_convert.h"
#include "presenter/mouth_track.h"
#include "presenter/performance.h"
#include "presenter/presenter_panel.h"
#include "presenter/speech_features.h"
#include "presenter/talking_head.h"

namespace pitchreel::testing {

Speech recorded_speech(const std::filesystem::path& path, double seconds, double silence_before) {
  constexpr int kRate = 16000;
  Speech s;
  s.sample_rate = kRate;
  auto audio = decode_audio_file(path, {.target_rate = kRate});
  EXPECT_TRUE(audio.has_value()) << (audio ? "" : audio.error().message);
  if (!audio) return s;
  s.samples.assign(static_cast<std::size_t>(std::lround(silence_before * kRate)), 0.0f);
  const auto take = std::min(audio->samples.size(), static_cast<std::size_t>(seconds * kRate));
  s.samples.insert(s.samples.end(), audio->samples.begin(),
                   audio->samples.begin() + static_cast<std::ptrdiff_t>(take));
  return s;
}

RenderedPresenter render_presenter(const cv::Mat& portrait, const Speech& speech, cv::Size panel,
                                   int fps) {
  RenderedPresenter out;
  auto face = detect_face(portrait);
  EXPECT_TRUE(face.has_value()) << (face ? "" : face.error().message);
  if (!face) return out;
  const FramedPortrait framed = frame_portrait(portrait, *face, panel);
  auto head = TalkingHead::create(framed.picture, framed.face);
  EXPECT_TRUE(head.has_value());
  if (!head) return out;
  const auto count = static_cast<std::int64_t>(std::ceil(speech.duration() * fps));
  const auto features = analyse_speech(speech.samples, speech.sample_rate, fps, 0, count);
  const auto mouth = speech.phonemes.empty()
                         ? mouth_track_from_audio(features)
                         : mouth_track_from_phonemes(speech.phonemes, features, fps, 0);
  out.poses = perform(mouth, features, fps);
  out.still = framed.picture;
  out.region = head->region();
  out.rig = head->rig();
  if (auto bgr = yuv420_to_bgr(head->still())) out.still_yuv = std::move(*bgr);
  Yuv420 frame{head->still().y.clone(), head->still().u.clone(), head->still().v.clone()};
  for (const auto& pose : out.poses) {
    head->draw(pose, frame, {0, 0});
    auto bgr = yuv420_to_bgr(frame);
    EXPECT_TRUE(bgr.has_value());
    if (bgr) out.frames.push_back(std::move(*bgr));
  }
  return out;
}

constexpr int kRedetectEvery = 30;
std::vector<double> measured_openings(const std::vector<cv::Mat>& frames) {
  std::vector<double> out;
  if (frames.empty()) return out;
  // Landmarks on every frame: the models stay loaded for all of them.
  const auto models = FaceModelsHold::acquire();
  EXPECT_TRUE(models.has_value());
  auto first = detect_face(frames.front());
  EXPECT_TRUE(first.has_value());
  if (!first) return out;
  cv::Rect2f box = first->face;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    // A fresh detection now and then follows the head's motion; the landmarks in between.
    if (i % kRedetectEvery == 0) {
      if (auto again = detect_face(frames[i])) box = again->face;
    }
    auto lm = landmarks_in_box(frames[i], box);
    EXPECT_TRUE(lm.has_value());
    if (!lm) return out;
    const auto& p = lm->points;
    const double gap =
        (cv::norm(p[61] - p[67]) + cv::norm(p[62] - p[66]) + cv::norm(p[63] - p[65])) / 3;
    out.push_back(gap / cv::norm(p[54] - p[48]));
  }
  return out;
}

std::vector<double> speech_envelope(const Speech& speech, std::size_t frames, int fps) {
  std::vector<double> out(frames, 0.0);
  const double half = 0.5 / fps;
  for (std::size_t f = 0; f < frames; ++f) {
    const double t = static_cast<double>(f) / fps;
    const auto a = static_cast<std::size_t>(std::max(0.0, (t - half) * speech.sample_rate));
    const auto b =
        std::min(speech.samples.size(), static_cast<std::size_t>((t + half) * speech.sample_rate));
    double e = 0;
    for (std::size_t i = a; i < b; ++i)
      e += static_cast<double>(speech.samples[i]) * speech.samples[i];
    out[f] = b > a ? std::sqrt(e / static_cast<double>(b - a)) : 0.0;
  }
  return out;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) return 0;
  const double ma = std::accumulate(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), 0.0) /
                    static_cast<double>(n);
  const double mb = std::accumulate(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), 0.0) /
                    static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

double ssim(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat x, y;
  a.convertTo(x, CV_64F);
  b.convertTo(y, CV_64F);
  const double c1 = 6.5025, c2 = 58.5225;  // (0.01 * 255)^2, (0.03 * 255)^2
  const auto blur = [](const cv::Mat& m) {
    cv::Mat r;
    cv::GaussianBlur(m, r, cv::Size(11, 11), 1.5);
    return r;
  };
  const cv::Mat mx = blur(x), my = blur(y);
  const cv::Mat sxx = blur(x.mul(x)) - mx.mul(mx);
  const cv::Mat syy = blur(y.mul(y)) - my.mul(my);
  const cv::Mat sxy = blur(x.mul(y)) - mx.mul(my);
  cv::Mat num = (2 * mx.mul(my) + c1).mul(2 * sxy + c2);
  cv::Mat den = (mx.mul(mx) + my.mul(my) + c1).mul(sxx + syy + c2);
  cv::Mat map;
  cv::divide(num, den, map);
  return cv::mean(map)[0];
}

}  // namespace pitchreel::testing
