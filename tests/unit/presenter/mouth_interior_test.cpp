// The open mouth on turned faces: every portrait of the test data, turned (a three-quarter
// view made by a perspective squeeze of one side, and a tilted head), animated through
// open poses by the real rig, with the interior painted by MouthInterior. Measured:
// - every teeth pixel lies inside the posed (warped) inner-lip polygon, landmarks 60-67;
// - teeth show when the mouth is open wide;
// - nothing is painted outside the inner-lip contour's opening, so the lower lip is kept;
#include "presenter/mouth_interior.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>

#include "media/color_convert.h"
#include "media/image.h"
#include "presenter/face_detector.h"
#include "presenter/face_rig.h"
#include "presenter/mesh_warp.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

cv::Rect half(cv::Rect r) { return {r.x / 2, r.y / 2, r.width / 2, r.height / 2}; }

cv::Mat even(const cv::Mat& m) { return m(cv::Rect(0, 0, m.cols / 2 * 2, m.rows / 2 * 2)).clone(); }

// A three-quarter view: the right side pushed back (narrower, shorter).
cv::Mat turned(const cv::Mat& picture) {
  const float w = static_cast<float>(picture.cols), h = static_cast<float>(picture.rows);
  const cv::Point2f from[] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f to[] = {{0, 0}, {0.68f * w, 0.07f * h}, {0.68f * w, 0.93f * h}, {0, h}};
  cv::Mat out;
  cv::warpPerspective(picture, out, cv::getPerspectiveTransform(from, to), picture.size(),
                      cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return even(out(cv::Rect(0, 0, static_cast<int>(0.7f * w), picture.rows)));
}

cv::Mat tilted(const cv::Mat& picture) {
  cv::Mat out;
  const cv::Mat m = cv::getRotationMatrix2D({picture.cols / 2.0f, picture.rows / 2.0f}, 18, 1);
  cv::warpAffine(picture, out, m, picture.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return even(out);
}

TEST(MouthInterior, TeethStayInsideTheWarpedInnerLipsOfTurnedFaces) {
  const auto models = FaceModelsHold::acquire();  // eight faces found in a row
  ASSERT_TRUE(models.has_value());
  int faces = 0;
  for (const char* name : {"painted-girl.jpg", "rendered-3d.jpg", "pencil-sketch.jpg",
                           "marble-statue.jpg"}) {
    const auto path = testing::testdata(std::string("portraits/") + name);
    if (path.empty()) GTEST_SKIP() << "../shared/testdata/portraits is absent; skipping";
    auto portrait = load_image(path);
    ASSERT_TRUE(portrait.has_value());
    cv::Mat small;
    const double scale = 640.0 / std::max(portrait->cols, portrait->rows);
    cv::resize(*portrait, small, cv::Size(), scale, scale, cv::INTER_AREA);
    for (const auto& [kind, picture] :
         {std::pair{"three-quarter", turned(small)}, std::pair{"tilted", tilted(small)}}) {
      auto face = detect_face(picture);
      if (!face) {
        std::printf("%s %s: no face found, skipped\n", name, kind);
        continue;
      }
      ++faces;
      auto yuv = bgr_to_yuv420(picture);
      ASSERT_TRUE(yuv.has_value());
      const FaceRig rig = FaceRig::create(*face, cv::Rect({}, picture.size()));
      const cv::Rect region = rig.region();
      const MouthInterior interior(yuv->y(region), yuv->u(half(region)), yuv->v(half(region)),
                                   rig.rest(), rig.mouth_width());
      MeshWarp warp(yuv->y(region), yuv->u(half(region)), yuv->v(half(region)), rig.rest(),
                    rig.triangles());
      int teeth_seen = 0;
      for (const MouthPose mouth : {MouthPose{0.4f, 0.3f, 0, 0}, MouthPose{0.8f, 0.6f, 0.3f, 0},
                                    MouthPose{1.0f, 0.8f, -0.5f, 0}, MouthPose{0.6f, 1.0f, 1.0f, 0}}) {
        FacePose pose;
        pose.mouth = mouth;
        pose.head.roll = 0.05f;
        const std::vector<cv::Point2f> posed = rig.posed(pose);
        cv::Mat y = yuv->y(region).clone(), u = yuv->u(half(region)).clone(),
                v = yuv->v(half(region)).clone();
        warp.warp(posed, y, u, v);
        const cv::Mat warped = y.clone();
        cv::Mat teeth;
        interior.paint(posed, y, u, v, &teeth);
        const std::vector<cv::Point2f> lips(posed.begin() + 60, posed.begin() + 68);
        int outside = 0, inside = 0;
        for (int r = 0; r < teeth.rows; ++r) {
          for (int c = 0; c < teeth.cols; ++c) {
            if (!teeth.at<std::uint8_t>(r, c)) continue;
            // Pixel (c, r) samples the point (c, r), as the warp and the painting do; half a
            // pixel of tolerance for the anti-aliased edge.
            const double d = cv::pointPolygonTest(lips, cv::Point2f(static_cast<float>(c),
                                                                    static_cast<float>(r)), true);
            (d >= -0.75 ? inside : outside) += 1;
          }
        }
        EXPECT_EQ(outside, 0) << name << " " << kind << ": " << outside << " teeth pixels outside "
                              << "the inner lips (" << inside << " inside), jaw " << mouth.jaw;
        teeth_seen += inside;
        // Painted pixels only inside the opening (the lower lip is kept as warped).
        cv::Mat changed = cv::abs(y - warped) > 1;
        cv::Mat opening = cv::Mat::zeros(y.size(), CV_8UC1);
        std::vector<cv::Point> poly;
        for (const auto& q : lips) poly.emplace_back(q);
        cv::fillPoly(opening, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255));
        cv::dilate(opening, opening, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
        EXPECT_EQ(cv::countNonZero(changed & ~opening), 0)
            << name << " " << kind << ": painted outside the inner lips";
      }
      EXPECT_GT(teeth_seen, 0) << name << " " << kind << ": no teeth in an open mouth";
    }
  }
  EXPECT_GE(faces, 4) << "too few turned faces found to measure";
}

}  // namespace
}  // namespace pitchreel
