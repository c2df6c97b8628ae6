// VideoPresenter: the presenter as a video made elsewhere shows them (a Hallo3 GPU
// server's MP4 of the portrait talking), placed where the CPU's talking head would go:
// framed into the layout's panel the way frame_portrait frames a still portrait (face
// centred, eyes a little above the middle, the face about a third of the panel's width),
// through the same rounded-corner mask (PanelMask).
//
// Contract:
// - Timing and decoding are VideoLayer's: frame i of `timeline` shows the video at
//   time_of(i) - lead_in (its first frame during the lead-in, its last in the tail), read
//   once, in order, on the render thread.
// - The framing is fixed for the whole video, from the face detect_face finds in the
//   video's first frame; when it finds none, from `reference_face`, the face in the
//   picture the video was made from (`reference_size` pixels), scaled to the video's
//   size: the GPU animates the whole picture it was given.
// - mouth_area() is that face's mouth_reach, framed, in frame pixels.
// - Errors: the reader's ("video_unreadable"), check_panel's ("presenter_panel").
#pragma once

#include <filesystem>
#include <memory>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "presenter/face_detector.h"
#include "presenter/presenter_layer.h"
#include "render/timeline.h"
#include "render/video_layer.h"

namespace pitchreel {

class VideoPresenter final : public PresenterLayer {
 public:
  // `panel` is where it goes in the frame (even origin and size); `radius` rounds its
  // corners (0: square).
  static Result<std::unique_ptr<VideoPresenter>> open(const std::filesystem::path& video,
                                                      const FaceLandmarks& reference_face,
                                                      cv::Size reference_size,
                                                      const Timeline& timeline, cv::Rect panel,
                                                      int radius);

  cv::Rect mouth_area() const override { return mouth_; }
  Status draw(std::int64_t frame, Yuv420& out) override { return video_.draw(frame, out); }

 private:
  VideoPresenter(VideoLayer video, cv::Rect mouth) : video_(std::move(video)), mouth_(mouth) {}

  VideoLayer video_;
  cv::Rect mouth_;
};

}  // namespace pitchreel
