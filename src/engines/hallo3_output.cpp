#include "engines/hallo3_output.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "engines/video_composer.h"
#include "media/jpeg_writer.h"
#include "media/video_reader.h"
#include "presenter/video_presenter.h"
#include "render/frame_layout.h"
#include "render/video_layer.h"

namespace pitchreel {
namespace {

Error bad_output(const std::string& what) {
  return Error::unavailable("gpu_bad_output",
                            "The Hallo3 server's video was refused: " + what +
                                " Check the server's log; the job can be retried.");
}

// The source fitted whole inside `size`, over a blurred copy that fills the frame.
void fit_over_blur(const cv::Mat& src, cv::Size size, cv::Mat& out) {
  out.create(size, CV_8UC3);
  const double cover = std::max(double(size.width) / src.cols, double(size.height) / src.rows);
  cv::Mat small, blurred;
  // The fill is blurred at 1/8 scale: cheap, and a blur hides the upscaling anyway.
  const cv::Size small_size(std::max(1, size.width / 8), std::max(1, size.height / 8));
  const cv::Size covered(static_cast<int>(std::ceil(src.cols * cover / 8)),
                         static_cast<int>(std::ceil(src.rows * cover / 8)));
  cv::resize(src, small, covered, 0, 0, cv::INTER_AREA);
  const cv::Rect centre((small.cols - small_size.width) / 2, (small.rows - small_size.height) / 2,
                        small_size.width, small_size.height);
  cv::GaussianBlur(small(centre & cv::Rect(0, 0, small.cols, small.rows)), blurred, cv::Size(0, 0),
                   3);
  cv::resize(blurred, out, size, 0, 0, cv::INTER_LINEAR);
  out *= 0.6;  // darker, so the face stands out
  const double contain = std::min(double(size.width) / src.cols, double(size.height) / src.rows);
  const cv::Size fitted(std::max(2, static_cast<int>(src.cols * contain)),
                        std::max(2, static_cast<int>(src.rows * contain)));
  cv::Mat scaled;
  cv::resize(src, scaled, fitted, 0, 0, contain < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  scaled.copyTo(out(cv::Rect((size.width - fitted.width) / 2, (size.height - fitted.height) / 2,
                             fitted.width, fitted.height)));
}

}  // namespace

Result<ProbeInfo> validate_gpu_video(const std::filesystem::path& mp4, double audio_duration) {
  std::error_code ec;
  if (std::filesystem::file_size(mp4, ec) == 0 || ec) return fail(bad_output("it is empty."));
  auto info = probe(mp4);
  if (!info) return fail(bad_output("it is not a readable video (" + info.error().message + ")."));
  if (!info->has_video || info->video_frames < 1)
    return fail(bad_output("it has no video stream."));
  if (info->width < 64 || info->height < 64 || info->width > 4096 || info->height > 4096) {
    return fail(bad_output(
        fmt::format("its size {}x{} is not a sane video size.", info->width, info->height)));
  }
  const double tolerance = std::max(0.5, 0.1 * audio_duration);
  if (std::abs(info->video_duration - audio_duration) > tolerance) {
    return fail(bad_output(fmt::format("it lasts {:.2f} s but the narration {:.2f} s.",
                                       info->video_duration, audio_duration)));
  }
  // Every frame must decode: a truncated file can probe fine.
  auto reader = VideoReader::open(mp4);
  if (!reader) return fail(bad_output("it does not decode (" + reader.error().message + ")."));
  VideoFrame frame;
  std::int64_t decoded = 0;
  double last = 0;
  for (;;) {
    auto got = (*reader)->next(frame);
    if (!got) return fail(bad_output("it does not decode (" + got.error().message + ")."));
    if (!*got) break;
    ++decoded;
    last = frame.time;
  }
  if (decoded == 0) return fail(bad_output("none of its frames decode."));
  // A file cut short keeps its index (moov first), which still claims the full length.
  const double frame_s = info->fps > 0 ? 1.0 / info->fps : 0.1;
  if (last + 3 * frame_s < info->video_duration - 0.25) {
    return fail(bad_output(fmt::format("it is truncated: its frames stop at {:.2f} s of {:.2f} s.",
                                       last, info->video_duration)));
  }
  return info;
}

Result<RenderOutput> compose_gpu_video(const RenderJob& job, const std::filesystem::path& source,
                                       const Hallo3Inputs& inputs, ProgressSink& progress) {
  constexpr std::string_view kStage = "compose";
  Result<RenderOutput> output;
  if (job.presenter && job.layout != Layout::kShowcase) {
    const auto gpu_face = [&](const Timeline& timeline, cv::Rect panel,
                              int radius) -> Result<std::unique_ptr<PresenterLayer>> {
      auto presenter =
          VideoPresenter::open(source, inputs.face, inputs.image_size, timeline, panel, radius);
      if (!presenter) return fail(presenter.error());
      return std::unique_ptr<PresenterLayer>(std::move(*presenter));
    };
    output = compose_layout(job, gpu_face, progress, kStage);
  } else {
    auto reader = VideoReader::open(source);
    if (!reader) return fail(bad_output(reader.error().message));
    const cv::Size size(job.format.width_px(), job.format.height_px());
    Composition composition;
    composition.timeline = make_flush_timeline(job.speech->duration(), job.format.fps);
    composition.layout = bottom_captions_layout(size);
    const auto fit = [size](const cv::Mat& frame, cv::Mat& out) {
      fit_over_blur(frame, size, out);
    };
    VideoLayer backdrop(VideoCursor(std::move(*reader)), composition.timeline, cv::Rect({}, size),
                        PanelMask::rounded(size, 0), fit);
    composition.backdrop = &backdrop;
    composition.stage = kStage;
    output = compose_video(job, composition, progress);
  }
  if (!output && output.error().code == "video_unreadable") {
    return fail(bad_output(output.error().message));
  }
  return output;
}

Status pass_through_gpu_video(const std::filesystem::path& source,
                              const std::filesystem::path& video,
                              const std::filesystem::path& poster) {
  std::error_code ec;
  std::filesystem::copy_file(source, video, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return fail(Error::invalid("output_not_writable",
                               "Cannot write " + video.string() + " (" + ec.message() + ")."));
  }
  auto info = probe(source);
  if (!info) return fail(bad_output(info.error().message));
  auto reader = VideoReader::open(source);
  if (!reader) return fail(bad_output(reader.error().message));
  VideoFrame frame, chosen;
  const double middle = info->video_duration / 2;
  for (;;) {
    auto got = (*reader)->next(frame);
    if (!got) return fail(bad_output(got.error().message));
    if (!*got) break;
    chosen.bgr = frame.bgr.clone();
    if (frame.time >= middle) break;
  }
  if (chosen.bgr.empty()) return fail(bad_output("none of its frames decode."));
  return write_jpeg(chosen.bgr, poster);
}

}  // namespace pitchreel
