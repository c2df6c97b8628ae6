#include "presenter/video_presenter.h"

#include <cmath>
#include <utility>

#include <spdlog/spdlog.h>

#include "presenter/face_rig.h"
#include "presenter/presenter_panel.h"

namespace pitchreel {
namespace {

// The smallest whole-pixel rectangle holding `r`.
cv::Rect enclosing(const cv::Rect2f& r) {
  const int x0 = static_cast<int>(std::floor(r.x)), y0 = static_cast<int>(std::floor(r.y));
  const int x1 = static_cast<int>(std::ceil(r.x + r.width));
  const int y1 = static_cast<int>(std::ceil(r.y + r.height));
  return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

Result<std::unique_ptr<VideoPresenter>> VideoPresenter::open(const std::filesystem::path& video,
                                                             const FaceLandmarks& reference_face,
                                                             cv::Size reference_size,
                                                             const Timeline& timeline,
                                                             cv::Rect panel, int radius) {
  if (auto s = check_panel(panel); !s) return fail(s.error());
  auto reader = VideoReader::open(video);
  if (!reader) return fail(reader.error());
  VideoCursor cursor(std::move(*reader));
  auto first = cursor.at(0);
  if (!first) return fail(first.error());
  const cv::Mat& picture = (*first)->bgr;
  FaceLandmarks face;
  if (auto found = detect_face(picture); found) {
    face = *found;
  } else {
    spdlog::info("no face found in the first frame of {} ({}); framing from the reference",
                 video.filename().string(), found.error().code);
    const cv::Point2d scale(double(picture.cols) / reference_size.width,
                            double(picture.rows) / reference_size.height);
    face = transformed(reference_face, scale, {});
  }
  const PortraitFraming framing = frame_face(picture.size(), face, panel.size());
  const cv::Rect mouth = enclosing(mouth_reach(framing.map(face).points)) + panel.tl();
  const auto shape = [framing, size = panel.size()](const cv::Mat& frame, cv::Mat& out) {
    framing.apply(frame, size, out);
  };
  VideoLayer layer(std::move(cursor), timeline, panel, PanelMask::rounded(panel.size(), radius),
                   shape);
  VideoPresenter presenter(std::move(layer), mouth);
  return std::make_unique<VideoPresenter>(std::move(presenter));
}

}  // namespace pitchreel
