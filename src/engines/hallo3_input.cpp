#include "engines/hallo3_input.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "media/png_writer.h"
#include "media/wav_writer.h"
#include "presenter/face_detector.h"

namespace pitchreel {

cv::Rect square_around_face(const cv::Rect2f& face) {
  const double side = 2.2 * std::max(face.width, face.height);
  const double cx = face.x + face.width / 2.0;
  const double cy = face.y + face.height / 2.0 + 0.1 * face.height;  // room for the chin and neck
  return {static_cast<int>(std::lround(cx - side / 2)),
          static_cast<int>(std::lround(cy - side / 2)), static_cast<int>(std::lround(side)),
          static_cast<int>(std::lround(side))};
}

Result<Hallo3Inputs> prepare_hallo3_inputs(const cv::Mat& portrait, const Speech& speech,
                                           int side_px) {
  auto face = detect_face(portrait, "the portrait");
  if (!face) return fail(face.error());
  Hallo3Inputs inputs;
  inputs.crop = square_around_face(face->face);
  // Pad by repeating the edges where the square reaches outside the portrait.
  const cv::Rect inside = inputs.crop & cv::Rect(0, 0, portrait.cols, portrait.rows);
  cv::Mat square;
  cv::copyMakeBorder(portrait(inside), square, inside.y - inputs.crop.y,
                     inputs.crop.br().y - inside.br().y, inside.x - inputs.crop.x,
                     inputs.crop.br().x - inside.br().x, cv::BORDER_REPLICATE);
  cv::Mat sized;
  cv::resize(square, sized, cv::Size(side_px, side_px), 0, 0,
             square.cols > side_px ? cv::INTER_AREA : cv::INTER_CUBIC);
  auto png = encode_png(sized);
  if (!png) return fail(png.error());
  inputs.image_png = std::move(*png);
  inputs.image_size = sized.size();
  const double k = static_cast<double>(side_px) / inputs.crop.width;
  inputs.face = transformed(*face, {k, k}, cv::Point2d(inputs.crop.tl()) * -k);
  inputs.audio_wav = encode_wav(speech.samples, speech.sample_rate);
  return inputs;
}

}  // namespace pitchreel
