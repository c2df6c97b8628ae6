#include "presenter/face_detector.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "media/image.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

cv::Mat load(const std::filesystem::path& path) {
  auto image = load_image(path);
  EXPECT_TRUE(image.has_value()) << path;
  return image ? *image : cv::Mat();
}

cv::Point2f mean_point(const FaceLandmarks& f, int first, int last) {
  cv::Point2f sum{0, 0};
  for (int i = first; i <= last; ++i) sum += f.points[static_cast<std::size_t>(i)];
  return sum / static_cast<float>(last - first + 1);
}

class PortraitTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PortraitTest, FindsOneFrontalFaceWithPlausibleLandmarks) {
  PITCHREEL_REQUIRE_TESTDATA(dir, "portraits");
  const cv::Mat portrait = load(dir / GetParam());
  ASSERT_FALSE(portrait.empty());
  auto face = detect_face(portrait, GetParam());
  ASSERT_TRUE(face.has_value()) << face.error().code << ": " << face.error().message;

  // The face is a good part of these portraits and lies inside them.
  EXPECT_GT(face->face.width, portrait.cols * 0.2f);
  const cv::Rect2f frame(0, 0, static_cast<float>(portrait.cols),
                         static_cast<float>(portrait.rows));
  for (const auto& p : face->points) EXPECT_TRUE(frame.contains(p)) << p;

  // Anatomy: eyes above nose above mouth above chin; the eyes side by side; mouth corners
  // between the jaw's sides; all in the input's pixels (not the downscaled copy's).
  const auto left_eye = mean_point(*face, 36, 41);
  const auto right_eye = mean_point(*face, 42, 47);
  const auto mouth = mean_point(*face, 48, 59);
  EXPECT_LT(left_eye.x, right_eye.x);
  EXPECT_LT(std::max(left_eye.y, right_eye.y), face->points[30].y);
  EXPECT_LT(face->points[30].y, mouth.y);
  EXPECT_LT(mouth.y, face->points[8].y);
  EXPECT_GT(face->points[48].x, face->points[2].x);
  EXPECT_LT(face->points[54].x, face->points[14].x);
  const double eye_gap = cv::norm(right_eye - left_eye);
  EXPECT_GT(eye_gap, face->face.width * 0.25);
  EXPECT_LT(eye_gap, face->face.width * 0.75);
  // The mouth is centred under the eyes (frontal portraits).
  EXPECT_NEAR(mouth.x, (left_eye.x + right_eye.x) / 2, eye_gap * 0.25);
}

INSTANTIATE_TEST_SUITE_P(Testdata, PortraitTest,
                         ::testing::Values("painted-girl.jpg", "rendered-3d.jpg",
                                           "pencil-sketch.jpg", "marble-statue.jpg"));

TEST(FaceDetectorTest, LandmarksScaleWithTheImage) {
  // Detection runs on a downscaled copy; the points must come back in input pixels.
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/marble-statue.jpg");
  const cv::Mat small = load(path);
  cv::Mat big;
  cv::resize(small, big, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
  auto a = detect_face(small);
  auto b = detect_face(big);
  ASSERT_TRUE(a && b);
  double worst = 0;
  for (std::size_t i = 0; i < 68; ++i)
    worst = std::max(worst, cv::norm(a->points[i] * 2.0f - b->points[i]));
  EXPECT_LT(worst, a->face.width * 0.12) << "landmarks moved by " << worst << " px";
}

TEST(FaceDetectorTest, SeveralFacesTheLargestWins) {
  PITCHREEL_REQUIRE_TESTDATA(dir, "portraits");
  const cv::Mat big = load(dir / "painted-girl.jpg");
  const cv::Mat other = load(dir / "rendered-3d.jpg");
  cv::Mat canvas(1000, 1800, CV_8UC3, cv::Scalar(200, 200, 200));
  cv::Mat big_small, other_small;
  cv::resize(big, big_small, cv::Size(900, 900), 0, 0, cv::INTER_AREA);
  cv::resize(other, other_small, cv::Size(441, 441), 0, 0, cv::INTER_AREA);
  big_small.copyTo(canvas(cv::Rect(850, 50, 900, 900)));
  other_small.copyTo(canvas(cv::Rect(100, 250, 441, 441)));
  auto face = detect_face(canvas, "group.jpg");
  ASSERT_TRUE(face.has_value()) << face.error().message;
  EXPECT_GT(face->face.x, 850.0f) << "picked the smaller face";
}

TEST(FaceDetectorTest, ProductPhotoWithoutFaceIsNoFaceFound) {
  // A synthetic product shot: a bottle with a label and a highlight on a gradient.
  cv::Mat product(800, 800, CV_8UC3);
  for (int y = 0; y < product.rows; ++y)
    product.row(y).setTo(cv::Scalar(230 - y / 8, 220 - y / 10, 210));
  cv::rectangle(product, cv::Rect(320, 250, 160, 450), cv::Scalar(40, 90, 30), cv::FILLED);
  cv::rectangle(product, cv::Rect(360, 160, 80, 100), cv::Scalar(40, 90, 30), cv::FILLED);
  cv::rectangle(product, cv::Rect(320, 400, 160, 140), cv::Scalar(240, 240, 250), cv::FILLED);
  cv::putText(product, "OLIVE", cv::Point(335, 480), cv::FONT_HERSHEY_SIMPLEX, 1.2,
              cv::Scalar(20, 20, 20), 3);
  cv::ellipse(product, cv::Point(350, 330), cv::Size(10, 60), 0, 0, 360, cv::Scalar(200, 230, 200),
              cv::FILLED);
  auto face = detect_face(product, "bottle.jpg");
  ASSERT_FALSE(face.has_value());
  EXPECT_EQ(face.error().code, "no_face_found");
  EXPECT_EQ(face.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(face.error().message.find("bottle.jpg"), std::string::npos);
  EXPECT_NE(face.error().message.find("portrait"), std::string::npos) << "says what works";
}

TEST(FaceDetectorTest, BlankImageIsNoFaceFound) {
  const cv::Mat blank(720, 1280, CV_8UC3, cv::Scalar(255, 255, 255));
  auto face = detect_face(blank);
  ASSERT_FALSE(face.has_value());
  EXPECT_EQ(face.error().code, "no_face_found");
  EXPECT_NE(face.error().message.find("the portrait"), std::string::npos);
}

TEST(FaceDetectorTest, TinyFaceIsFaceTooSmall) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  const cv::Mat portrait = load(path);
  cv::Mat tiny;
  cv::resize(portrait, tiny, cv::Size(150, 150), 0, 0, cv::INTER_AREA);
  cv::Mat canvas(1200, 1200, CV_8UC3, cv::Scalar(180, 180, 180));
  tiny.copyTo(canvas(cv::Rect(500, 400, 150, 150)));
  auto face = detect_face(canvas, "crowd.jpg");
  ASSERT_FALSE(face.has_value());
  EXPECT_EQ(face.error().code, "face_too_small") << face.error().message;
  EXPECT_NE(face.error().message.find("pixels wide"), std::string::npos);
}

TEST(FaceDetectorTest, FaceOnItsSideIsRefused) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/pencil-sketch.jpg");
  cv::Mat sideways;
  cv::rotate(load(path), sideways, cv::ROTATE_90_CLOCKWISE);
  auto face = detect_face(sideways);
  ASSERT_FALSE(face.has_value());
  EXPECT_TRUE(face.error().code == "no_face_found" || face.error().code == "face_not_frontal")
      << face.error().code;
}

TEST(FaceDetectorTest, StronglyTurnedFaceIsNotFrontal) {
  // A head turned far to one side: the half of the picture left of the nose squeezed to a
  // third of its width, so the nose tip sits close to the left jaw line (about 4:1). dlib
  // still finds the face; the landmarks then fail the frontal check.
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/marble-statue.jpg");
  const cv::Mat portrait = load(path);
  auto frontal = detect_face(portrait);
  ASSERT_TRUE(frontal.has_value()) << frontal.error().message;
  const int nose = static_cast<int>(frontal->points[30].x);
  cv::Mat near_side;
  cv::resize(portrait(cv::Rect(0, 0, nose, portrait.rows)), near_side,
             cv::Size(nose * 35 / 100, portrait.rows), 0, 0, cv::INTER_AREA);
  cv::Mat turned;
  cv::hconcat(near_side, portrait(cv::Rect(nose, 0, portrait.cols - nose, portrait.rows)), turned);

  auto face = detect_face(turned, "profile.jpg");
  ASSERT_FALSE(face.has_value());
  EXPECT_EQ(face.error().code, "face_not_frontal") << face.error().message;
  EXPECT_EQ(face.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(face.error().message.find("profile.jpg"), std::string::npos);
  EXPECT_NE(face.error().message.find("looks at the camera"), std::string::npos)
      << "says what works";
}

TEST(FaceDetectorTest, StronglyTiltedFaceIsNotFrontal) {
  // Rolled 45 degrees: still found, but the eye line is too steep to animate.
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/pencil-sketch.jpg");
  const cv::Mat portrait = load(path);
  const cv::Point2f centre(static_cast<float>(portrait.cols) / 2,
                           static_cast<float>(portrait.rows) / 2);
  cv::Mat tilted;
  cv::warpAffine(portrait, tilted, cv::getRotationMatrix2D(centre, 45, 1.0), portrait.size(),
                 cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  auto face = detect_face(tilted);
  ASSERT_FALSE(face.has_value());
  EXPECT_EQ(face.error().code, "face_not_frontal") << face.error().message;
}

TEST(FaceDetectorTest, WrongPixelTypeIsAClearError) {
  auto empty = detect_face(cv::Mat());
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().kind, ErrorKind::kInvalidInput);
  auto gray = detect_face(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0)));
  ASSERT_FALSE(gray.has_value());
  EXPECT_EQ(gray.error().kind, ErrorKind::kInvalidInput);
}

// The landmark model (~75 MB in memory) is loaded to find a face and let go once it is
// found, so a render does not carry it through its frames; a FaceModelsHold keeps it.
TEST(FaceDetectorTest, ModelsAreReleasedOnceTheFaceIsFoundUnlessHeld) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  const testing::ScopedEnv no_cache("PITCHREEL_CACHE_DIR", "off");
  const cv::Mat portrait = load(path);
  ASSERT_FALSE(face_models_loaded());
  auto face = detect_face(portrait);
  ASSERT_TRUE(face) << face.error().message;
  EXPECT_FALSE(face_models_loaded());
  {
    auto hold = FaceModelsHold::acquire();
    ASSERT_TRUE(hold) << hold.error().message;
    EXPECT_TRUE(face_models_loaded());
    auto again = detect_face(portrait);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->points, face->points);
    EXPECT_TRUE(face_models_loaded());
  }
  EXPECT_FALSE(face_models_loaded());
}

TEST(FaceDetectorTest, SafeFromSeveralThreads) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/rendered-3d.jpg");
  const cv::Mat portrait = load(path);
  auto reference = detect_face(portrait);
  ASSERT_TRUE(reference);
  std::vector<std::thread> threads;
  std::atomic<int> same{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto face = detect_face(portrait);
      if (face && face->points == reference->points) ++same;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 4);
}

}  // namespace
}  // namespace pitchreel
