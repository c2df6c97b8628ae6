#include "support/composed_video.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "media/video_reader.h"
#include "presenter/face_detector.h"
#include "presenter/presenter_panel.h"

namespace pitchreel::testing {
namespace {

double mean_difference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  const cv::Scalar m = cv::mean(diff);
  return (m[0] + m[1] + m[2]) / 3;
}

}  // namespace

cv::Mat green_product() {
  cv::Mat img(600, 800, CV_8UC3, cv::Scalar(60, 170, 60));
  cv::rectangle(img, cv::Rect(330, 120, 140, 380), cv::Scalar(30, 110, 30), cv::FILLED);
  return img;
}

GpuPanel GpuPanel::in(const FrameLayout& layout, std::vector<cv::Mat> gpu_frames) {
  GpuPanel out;
  out.gpu = std::move(gpu_frames);
  out.panel = layout.presenter;
  out.radius = layout.presenter_radius;
  out.covered = layout.captions;
  return out;
}

std::vector<cv::Mat> decode_frames(const std::filesystem::path& video) {
  std::vector<cv::Mat> frames;
  auto reader = VideoReader::open(video);
  if (!reader) return frames;
  VideoFrame frame;
  for (;;) {
    auto got = (*reader)->next(frame);
    if (!got || !*got) break;
    frames.push_back(frame.bgr.clone());
  }
  return frames;
}

PanelMatch match_panel(const std::vector<cv::Mat>& composed, const GpuPanel& ref, cv::Rect region) {
  PanelMatch out;
  if (composed.empty() || ref.gpu.empty()) return out;
  auto face = detect_face(ref.gpu.front());
  if (!face) return out;
  const cv::Rect panel = ref.panel;
  const PortraitFraming framing = frame_face(ref.gpu.front().size(), *face, panel.size());
  // The inside of the panel, clear of its rounded corners; the region in panel pixels.
  const int inset = ref.radius + 2;
  cv::Rect inner(inset, inset, panel.width - 2 * inset, panel.height - 2 * inset);
  if (const cv::Rect over = (ref.covered - panel.tl()) & inner; !over.empty()) {
    inner.height = std::max(0, over.y - inner.y);
  }
  const cv::Rect local = (region - panel.tl()) & cv::Rect({}, panel.size());
  const auto framed_at = [&](double t) {
    const double k = std::floor(std::max(0.0, t - ref.lead_in) * ref.gpu_fps + 1e-6);
    const auto index = std::clamp<std::size_t>(static_cast<std::size_t>(k), 0, ref.gpu.size() - 1);
    cv::Mat framed;
    framing.apply(ref.gpu[index], panel.size(), framed);
    return framed;
  };
  double error = 0, wrong = 0, lo = 255, hi = 0;
  const double duration = double(composed.size()) / ref.fps;
  for (std::size_t i = 0; i < composed.size(); i += 2) {
    const double t = double(i) / ref.fps;
    if (t < 0.4 - 1e-6 || t > duration - 0.6) continue;  // fading in or out
    const cv::Mat shown = composed[i](panel);
    const cv::Mat due = framed_at(t);
    if (!local.empty()) {
      out.worst_region_error =
          std::max(out.worst_region_error, mean_difference(shown(local), due(local)));
    }
    if (t < ref.lead_in) {
      out.lead_in_error = std::min(out.lead_in_error, mean_difference(shown(inner), due(inner)));
      continue;
    }
    error += mean_difference(shown(inner), due(inner));
    wrong += mean_difference(shown(inner), framed_at(t + 0.4)(inner));
    cv::Mat gray;
    cv::cvtColor(shown(inner), gray, cv::COLOR_BGR2GRAY);
    const double luma = cv::mean(gray)[0];
    lo = std::min(lo, luma);
    hi = std::max(hi, luma);
    ++out.frames_checked;
  }
  if (out.frames_checked > 0) {
    out.error = error / out.frames_checked;
    out.wrong_time_error = wrong / out.frames_checked;
    out.luma_range = hi - lo;
  }
  return out;
}

}  // namespace pitchreel::testing
