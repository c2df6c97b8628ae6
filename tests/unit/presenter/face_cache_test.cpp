// The face cache: what it stores it finds again exactly, other pictures and other models are
// misses, a broken or foreign entry is a miss, a cache that is off or cannot be written costs
// nothing; and detect_face answers from it (an entry edited on disk comes back as edited).
#include "presenter/face_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "media/image.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

cv::Mat noise(cv::Size size, int seed) {
  cv::Mat m(size, CV_8UC3);
  cv::RNG(static_cast<std::uint64_t>(seed)).fill(m, cv::RNG::UNIFORM, 0, 256);
  return m;
}

FaceLandmarks some_face(float shift) {
  FaceLandmarks f;
  f.face = cv::Rect2f(10.25f + shift, 20.5f, 100.125f, 99.875f);
  for (std::size_t i = 0; i < f.points.size(); ++i) {
    f.points[i] =
        cv::Point2f(static_cast<float>(i) * 1.1f + shift, 1.0f / static_cast<float>(i + 3));
  }
  return f;
}

void expect_same(const FaceLandmarks& a, const FaceLandmarks& b) {
  EXPECT_EQ(a.face, b.face);
  for (std::size_t i = 0; i < a.points.size(); ++i) EXPECT_EQ(a.points[i], b.points[i]) << i;
}

std::filesystem::path only_entry(const std::filesystem::path& folder) {
  std::filesystem::path found;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    if (e.path().extension() == ".json") found = e.path();
  }
  return found;
}

TEST(FaceCache, FindsWhatItStoredExactlyAndOnlyForThatPictureAndModel) {
  testing::TempDir dir;
  testing::ScopedEnv env("PITCHREEL_CACHE_DIR", (dir.path() / "cache").string());
  const auto model = dir.path() / "model.dat";
  testing::write_file(model, "a model");
  const FaceCache cache(model);
  ASSERT_TRUE(cache.enabled());
  const cv::Mat picture = noise({64, 48}, 1);
  const std::string key = cache.key(picture);
  ASSERT_EQ(key.size(), 64u);
  EXPECT_FALSE(cache.find(key)) << "an empty cache";
  cache.store(key, some_face(0));
  const auto found = cache.find(key);
  ASSERT_TRUE(found);
  expect_same(*found, some_face(0));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "cache" / "faces" / (key + ".json")));

  EXPECT_NE(cache.key(noise({64, 48}, 2)), key) << "other pixels";
  EXPECT_NE(cache.key(picture(cv::Rect(0, 0, 63, 48))), key) << "another size";
  testing::write_file(model, "another model");
  EXPECT_NE(FaceCache(model).key(picture), key) << "another model file";
  EXPECT_EQ(FaceCache(model).key(picture.clone()), FaceCache(model).key(picture))
      << "the same pixels in another buffer";
}

TEST(FaceCache, BrokenOrForeignEntriesAreMisses) {
  testing::TempDir dir;
  testing::ScopedEnv env("PITCHREEL_CACHE_DIR", dir.path().string());
  const auto model = dir.path() / "model.dat";
  testing::write_file(model, "a model");
  const FaceCache cache(model);
  const std::string key = cache.key(noise({32, 32}, 3));
  cache.store(key, some_face(1));
  const auto entry = dir.path() / "faces" / (key + ".json");
  for (const std::string bad :
       {"{not json", "[]", R"({"format":1,"face":[1,2,3,4],"points":[1,2]})",
        R"({"format":99,"face":[1,2,3,4],"points":[]})", R"({"format":1})", ""}) {
    testing::write_file(entry, bad);
    EXPECT_FALSE(cache.find(key)) << bad;
  }
  cache.store(key, some_face(2));  // stored again over the broken entry
  ASSERT_TRUE(cache.find(key));
  expect_same(*cache.find(key), some_face(2));
}

TEST(FaceCache, OffMissingModelOrUnwritableFolderCostNothing) {
  testing::TempDir dir;
  const auto model = dir.path() / "model.dat";
  testing::write_file(model, "a model");
  const cv::Mat picture = noise({16, 16}, 4);
  {
    testing::ScopedEnv env("PITCHREEL_CACHE_DIR", "off");
    const FaceCache cache(model);
    EXPECT_FALSE(cache.enabled());
    EXPECT_TRUE(cache.key(picture).empty());
    cache.store(cache.key(picture), some_face(0));
    EXPECT_TRUE(FaceCache::folder().empty());
  }
  {
    testing::ScopedEnv env("PITCHREEL_CACHE_DIR", dir.path().string());
    EXPECT_FALSE(FaceCache(dir.path() / "absent.dat").enabled()) << "no model, no identity";
  }
  {
    // The folder would have to be made inside a file.
    testing::write_file(dir.path() / "file", "x");
    testing::ScopedEnv env("PITCHREEL_CACHE_DIR", (dir.path() / "file").string());
    const FaceCache cache(model);
    const std::string key = cache.key(picture);
    cache.store(key, some_face(0));
    EXPECT_FALSE(cache.find(key));
  }
  {
    testing::ScopedEnv cache_dir("PITCHREEL_CACHE_DIR", "");
    testing::ScopedEnv xdg("XDG_CACHE_HOME", (dir.path() / "xdg").string());
    EXPECT_EQ(FaceCache::folder(), dir.path() / "xdg" / "pitchreel" / "faces");
  }
}

// detect_face stores what it found and answers from the cache afterwards: an entry edited on
// disk comes back as edited (the model is not asked again).
TEST(FaceCache, DetectFaceAnswersFromTheCache) {
  PITCHREEL_REQUIRE_TESTDATA(portrait_path, "portraits/painted-girl.jpg");
  testing::TempDir dir;
  testing::ScopedEnv env("PITCHREEL_CACHE_DIR", dir.path().string());
  auto portrait = load_image(portrait_path);
  ASSERT_TRUE(portrait.has_value());
  auto first = detect_face(*portrait, "painted-girl.jpg");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const auto entry = only_entry(dir.path() / "faces");
  ASSERT_FALSE(entry.empty()) << "nothing stored";
  auto again = detect_face(*portrait, "painted-girl.jpg");
  ASSERT_TRUE(again.has_value());
  expect_same(*again, *first);

  FaceLandmarks edited = *first;
  edited.points[30].x += 7;  // the nose tip, moved on disk
  const FaceCache cache(face_model_path());
  ASSERT_EQ(cache.key(*portrait), entry.stem().string());
  cache.store(cache.key(*portrait), edited);
  auto cached = detect_face(*portrait, "painted-girl.jpg");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->points[30], edited.points[30]);

  // Without the cache the model answers again, as the first time.
  testing::ScopedEnv off("PITCHREEL_CACHE_DIR", "off");
  auto uncached = detect_face(*portrait, "painted-girl.jpg");
  ASSERT_TRUE(uncached.has_value());
  expect_same(*uncached, *first);
}

}  // namespace
}  // namespace pitchreel
