// Video listing (cursor pages, product filter, tenancy), lookup and removal.
#include "db/video_repository.h"

#include <gtest/gtest.h>

#include "db/database.h"
#include "db/job_queue.h"
#include "db/job_repository.h"
#include "db/org_repository.h"
#include "db/user_repository.h"
#include "support/test_support.h"

namespace pitchreel::db {
namespace {

class VideoRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_ / "pitchreel.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    org_ = orgs::create(db(), "Acme", 1).value();
    other_org_ = orgs::create(db(), "Beta", 1).value();
    user_ = users::create(db(), org_.id, "a@acme.test", Role::kAdmin, 1).value();
    other_user_ = users::create(db(), other_org_.id, "b@beta.test", Role::kAdmin, 1).value();
  }
  Database& db() { return *db_; }

  // Runs a job through the queue, as a worker would, and returns its video.
  Video make_video(const User& user, std::string product, std::int64_t now) {
    auto job = jobs::create(db(), {user.organization_id, user.id, "{}", product, "", 3, {}}, now);
    EXPECT_TRUE(job);
    auto claimed = jobs::claim_next(db(), "w", 60, now);
    EXPECT_TRUE(claimed && *claimed);
    EXPECT_EQ((*claimed)->job.id, job->job.id);
    Video v;
    v.video_key = user.organization_id + "/videos/ai-generated/product-" + product + ".mp4";
    v.poster_key = "poster.jpg";
    v.captions_key = "captions.vtt";
    auto done = jobs::complete(db(), job->job.id, "w", v, now);
    EXPECT_TRUE(done && *done);
    return **done;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  Organization org_, other_org_;
  User user_, other_user_;
};

TEST_F(VideoRepositoryTest, ListsNewestFirstInCursorPages) {
  std::vector<std::string> expected;  // newest first
  for (int i = 0; i < 7; ++i) {
    // Two videos per second, so the id breaks ties inside a second.
    expected.push_back(make_video(user_, "p1", 1000 + i / 2).id);
    make_video(other_user_, "p1", 1000 + i / 2);  // must never show up
  }
  std::sort(expected.begin(), expected.end(), [&](const std::string& a, const std::string& b) {
    auto va = *videos::get(db(), a, org_.id).value();
    auto vb = *videos::get(db(), b, org_.id).value();
    return std::tie(va.created_at, va.id) > std::tie(vb.created_at, vb.id);
  });

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = videos::list(db(), org_.id, std::nullopt, 3, cursor);
    ASSERT_TRUE(page) << page.error().message;
    ASSERT_LE(page->videos.size(), 3u);
    for (const Video& v : page->videos) {
      EXPECT_EQ(v.organization_id, org_.id);
      seen.push_back(v.id);
    }
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);  // 3 + 3 + 1
  EXPECT_EQ(seen, expected);
}

TEST_F(VideoRepositoryTest, ExactPageHasNoNextCursor) {
  make_video(user_, "p1", 1000);
  make_video(user_, "p1", 1001);
  auto page = videos::list(db(), org_.id, std::nullopt, 2, "");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->videos.size(), 2u);
  EXPECT_EQ(page->next_cursor, "");
}

TEST_F(VideoRepositoryTest, FiltersByProduct) {
  const Video a = make_video(user_, "p1", 1000);
  make_video(user_, "p2", 1001);
  const Video c = make_video(user_, "p1", 1002);
  make_video(other_user_, "p1", 1003);

  auto first = videos::list(db(), org_.id, std::string_view("p1"), 1, "");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->videos.size(), 1u);
  EXPECT_EQ(first->videos[0].id, c.id);
  ASSERT_NE(first->next_cursor, "");
  auto second = videos::list(db(), org_.id, std::string_view("p1"), 1, first->next_cursor);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->videos.size(), 1u);
  EXPECT_EQ(second->videos[0].id, a.id);
  EXPECT_EQ(second->next_cursor, "");

  auto none = videos::list(db(), org_.id, std::string_view("p9"), 10, "");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->videos.empty());
  EXPECT_EQ(videos::list(db(), org_.id, std::nullopt, 10, "")->videos.size(), 3u);
}

TEST_F(VideoRepositoryTest, BadCursorIsInvalidInput) {
  auto page = videos::list(db(), org_.id, std::nullopt, 10, "not a cursor");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().kind, ErrorKind::kInvalidInput);
}

TEST_F(VideoRepositoryTest, GetAndRemoveAreScopedToTheOrganization) {
  const Video v = make_video(user_, "p1", 1000);
  auto hidden = videos::get(db(), v.id, other_org_.id);
  ASSERT_TRUE(hidden);
  EXPECT_FALSE(*hidden);
  auto not_removed = videos::remove(db(), v.id, other_org_.id);
  ASSERT_TRUE(not_removed);
  EXPECT_FALSE(*not_removed);

  auto removed = videos::remove(db(), v.id, org_.id);
  ASSERT_TRUE(removed) << removed.error().message;
  ASSERT_TRUE(*removed);
  EXPECT_EQ((*removed)->video_key, v.video_key);
  EXPECT_EQ((*removed)->poster_key, "poster.jpg");
  EXPECT_EQ((*removed)->captions_key, "captions.vtt");
  EXPECT_FALSE(videos::get(db(), v.id, org_.id).value().has_value());
  EXPECT_FALSE(videos::remove(db(), v.id, org_.id).value().has_value());

  // The job keeps its history; only the link to the deleted video is cleared.
  auto job = jobs::get(db(), v.job_id, org_.id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->status, JobStatus::kSucceeded);
  EXPECT_EQ((*job)->video_id, "");
}

}  // namespace
}  // namespace pitchreel::db
