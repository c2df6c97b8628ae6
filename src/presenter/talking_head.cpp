#include "presenter/talking_head.h"

#include "media/color_convert.h"

namespace pitchreel {
namespace {

cv::Rect half(cv::Rect r) { return {r.x / 2, r.y / 2, r.width / 2, r.height / 2}; }

}  // namespace

TalkingHead::TalkingHead(Yuv420 still, FaceRig rig)
    : still_(std::move(still)),
      rig_(std::move(rig)),
      warp_(still_.y(rig_.region()), still_.u(half(rig_.region())), still_.v(half(rig_.region())),
            rig_.rest(), rig_.triangles()),
      interior_(still_.y(rig_.region()), still_.u(half(rig_.region())),
                still_.v(half(rig_.region())), rig_.rest(), rig_.mouth_width()) {}

Result<TalkingHead> TalkingHead::create(const cv::Mat& picture, const FaceLandmarks& face,
                                        int inset) {
  if (picture.empty() || picture.cols % 2 || picture.rows % 2) {
    return fail(Error::internal("presenter_size", "The presenter picture must have even sides."));
  }
  auto yuv = bgr_to_yuv420(picture);
  if (!yuv) return fail(yuv.error());
  const cv::Rect bounds(inset + inset % 2, inset + inset % 2,
                        picture.cols - 2 * (inset + inset % 2),
                        picture.rows - 2 * (inset + inset % 2));
  FaceRig rig = FaceRig::create(face, bounds);
  if (rig.region().width < 16 || rig.region().height < 16) {
    return fail(
        Error::invalid("face_too_small", "The face is too small in the presenter's window."));
  }
  return TalkingHead(std::move(*yuv), std::move(rig));
}

void TalkingHead::draw(const FacePose& pose, Yuv420& out, cv::Point origin) {
  const cv::Rect target = rig_.region() + origin;
  const std::vector<cv::Point2f> posed = rig_.posed(pose);
  cv::Mat y = out.y(target), u = out.u(half(target)), v = out.v(half(target));
  warp_.warp(posed, y, u, v);
  interior_.paint(posed, y, u, v);
}

}  // namespace pitchreel
