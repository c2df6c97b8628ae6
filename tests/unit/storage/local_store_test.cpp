#include "storage/local_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "storage/object_keys.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<LocalStore> open_store(const fs::path& root) {
  auto store = LocalStore::open(root);
  EXPECT_TRUE(store) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

PutOptions typed(std::string content_type) {
  PutOptions o;
  o.content_type = std::move(content_type);
  return o;
}

PutOptions named(std::string download_name) {
  PutOptions o;
  o.download_name = std::move(download_name);
  return o;
}

bool is_empty_dir(const fs::path& dir) { return fs::is_directory(dir) && fs::is_empty(dir); }

TEST(LocalStore, PutStatLocalPathRemoveRoundTrip) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "video.mp4", "not really a video");
  const std::string key = "org-1/videos/ai-generated/product-p1-abc.mp4";

  ASSERT_TRUE(store->put_file(key, dir / "video.mp4",
                              PutOptions{"", "private, max-age=3600", "product-p1-abc.mp4"}));
  auto info = store->stat(key);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->key, key);
  EXPECT_EQ(info->size, 18u);
  EXPECT_EQ(info->content_type, "video/mp4");
  EXPECT_EQ(info->cache_control, "private, max-age=3600");
  EXPECT_EQ(info->download_name, "product-p1-abc.mp4");

  auto path = store->local_path(key);
  ASSERT_TRUE(path);
  EXPECT_EQ(testing::read_file(*path), "not really a video");
  EXPECT_TRUE(fs::exists(dir / "video.mp4")) << "the source belongs to the caller";
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));

  ASSERT_TRUE(store->remove(key));
  EXPECT_EQ(store->stat(key).error().code, kObjectNotFound);
  EXPECT_EQ(store->local_path(key).error().code, kObjectNotFound);
  EXPECT_TRUE(store->remove(key)) << "removing a missing object is not an error";
}

TEST(LocalStore, OverwriteReplacesBytesAndMetadata) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "a", "first version");
  testing::write_file(dir / "b", "second");
  ASSERT_TRUE(store->put_file("o/x.bin", dir / "a", typed("text/plain")));
  ASSERT_TRUE(store->put_file("o/x.bin", dir / "b", {}));
  auto info = store->stat("o/x.bin");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 6u);
  EXPECT_EQ(info->content_type, "application/octet-stream");
  EXPECT_EQ(testing::read_file(*store->local_path("o/x.bin")), "second");
}

TEST(LocalStore, FailedPutLeavesNoObjectAndNoTemporary) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  auto missing = store->put_file("o/x.mp4", dir / "no-such-file.mp4", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "storage_source_unreadable");
  EXPECT_NE(missing.error().message.find("no-such-file.mp4"), std::string::npos);

  // A source that cannot be read midway (a folder: open works, read fails with EISDIR).
  fs::create_directory(dir / "folder");
  EXPECT_FALSE(store->put_file("o/y.mp4", dir / "folder", {}));

  EXPECT_EQ(store->stat("o/x.mp4").error().code, kObjectNotFound);
  EXPECT_EQ(store->stat("o/y.mp4").error().code, kObjectNotFound);
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));
  EXPECT_FALSE(fs::exists(dir / "store" / "o"));
}

TEST(LocalStore, FailedPutKeepsThePreviousObject) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "a", "old");
  ASSERT_TRUE(store->put_file("o/x.mp4", dir / "a", {}));
  EXPECT_FALSE(store->put_file("o/x.mp4", dir / "missing", {}));
  EXPECT_EQ(testing::read_file(*store->local_path("o/x.mp4")), "old");
}

TEST(LocalStore, SweepRemovesLeftoverTemporaries) {
  testing::TempDir dir;
  { auto store = open_store(dir / "store"); }
  testing::write_file(dir / "store" / ".tmp" / "put-abc123", "half a video");
  fs::create_directory(dir / "store" / ".tmp" / "stray");
  testing::write_file(dir / "store" / ".readyz-put-xyz", "ok\n");
  testing::write_file(dir / "store" / "keep.mp4", "an object");

  auto store = open_store(dir / "store");
  auto removed = store->sweep_temporaries();
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 3u);
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));
  EXPECT_FALSE(fs::exists(dir / "store" / ".readyz-put-xyz"));
  EXPECT_TRUE(store->stat("keep.mp4")) << "objects survive a sweep";
  EXPECT_EQ(*store->sweep_temporaries(), 0u);
}

TEST(LocalStore, RejectsInvalidKeysBeforeTouchingDisk) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "src", "x");
  testing::write_file(dir / "secret", "outside the store");
  for (const std::string key : {"../secret", "/abs", "a//b", "a\\b", "a/./b", "a/../b", ".tmp/x",
                                ".meta/x.json", "", "a/", "a b", "caf\xc3\xa9"}) {
    auto put = store->put_file(key, dir / "src", {});
    ASSERT_FALSE(put) << key;
    EXPECT_EQ(put.error().code, "invalid_storage_key") << key;
    EXPECT_EQ(put.error().kind, ErrorKind::kInternal);
    EXPECT_EQ(store->stat(key).error().code, "invalid_storage_key") << key;
    EXPECT_EQ(store->local_path(key).error().code, "invalid_storage_key") << key;
    EXPECT_EQ(store->remove(key).error().code, "invalid_storage_key") << key;
  }
  EXPECT_TRUE(fs::exists(dir / "secret"));
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));
}

TEST(LocalStore, ContentTypesFromExtensionOrOptions) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "src", "x");
  const std::pair<const char*, const char*> cases[] = {{"o/v.mp4", "video/mp4"},
                                                       {"o/p.jpg", "image/jpeg"},
                                                       {"o/p.JPEG", "image/jpeg"},
                                                       {"o/c.vtt", "text/vtt; charset=utf-8"},
                                                       {"o/noext", "application/octet-stream"},
                                                       {"o/x.exe", "application/octet-stream"}};
  for (const auto& [key, type] : cases) {
    ASSERT_TRUE(store->put_file(key, dir / "src", {}));
    EXPECT_EQ(store->stat(key)->content_type, type) << key;
  }
  ASSERT_TRUE(store->put_file("o/v2.mp4", dir / "src", typed("video/webm")));
  EXPECT_EQ(store->stat("o/v2.mp4")->content_type, "video/webm");

  // Objects placed without a sidecar (or with a damaged one) still get a type.
  testing::write_file(dir / "store" / "o" / "hand.vtt", "WEBVTT\n");
  EXPECT_EQ(store->stat("o/hand.vtt")->content_type, "text/vtt; charset=utf-8");
  testing::write_file(dir / "store" / ".meta" / "o" / "v.mp4.json", "{not json");
  EXPECT_EQ(store->stat("o/v.mp4")->content_type, "video/mp4");
}

TEST(LocalStore, DownloadNameThatIsNotUtf8IsStoredSafely) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  testing::write_file(dir / "src", "x");
  ASSERT_TRUE(store->put_file("o/v.mp4", dir / "src", named("bad\xff.mp4")));
  EXPECT_TRUE(store->stat("o/v.mp4"));
}

TEST(LocalStore, CheckWritableSucceedsAndLeavesNothing) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  ASSERT_TRUE(store->check_writable());
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir / "store")) entries.push_back(e.path());
  EXPECT_EQ(entries.size(), 2u) << "only .tmp and .meta";
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));
  EXPECT_NE(store->name().find((dir / "store").string()), std::string::npos);
}

TEST(LocalStore, CheckWritableFailsWithAClearMessage) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  // Works even as root (which ignores permission bits): nothing can be created inside a
  // regular file.
  fs::remove(dir / "store" / ".tmp");
  testing::write_file(dir / "store" / ".tmp", "a file where the folder should be");
  auto status = store->check_writable();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "storage_not_writable");
  EXPECT_EQ(status.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(status.error().message.find((dir / "store").string()), std::string::npos);
  EXPECT_NE(status.error().message.find("Not a directory"), std::string::npos)
      << status.error().message;

  testing::write_file(dir / "src", "x");
  auto put = store->put_file("o/x.mp4", dir / "src", {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, "storage_write_failed");
}

TEST(LocalStore, OpenUnderARegularFileFails) {
  testing::TempDir dir;
  testing::write_file(dir / "file", "x");
  auto store = LocalStore::open(dir / "file" / "store");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, "storage_not_writable");
  EXPECT_NE(store.error().message.find("file/store"), std::string::npos);
}

TEST(LocalStore, CheckWritableFailsOnAReadOnlyFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores permission bits";
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  ::chmod((dir / "store" / ".tmp").c_str(), 0555);
  auto status = store->check_writable();
  ::chmod((dir / "store" / ".tmp").c_str(), 0755);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("Permission denied"), std::string::npos);
}

TEST(LocalStore, ConcurrentPutsAndStatsSeeWholeObjects) {
  testing::TempDir dir;
  auto store = open_store(dir / "store");
  const std::string small(10, 's'), large(100000, 'l');
  testing::write_file(dir / "small", small);
  testing::write_file(dir / "large", large);
  ASSERT_TRUE(store->put_file("o/x.mp4", dir / "small", named("small")));
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (t % 2 == 0) {
          const bool big = (i + t) % 2 == 0;
          if (!store->put_file("o/x.mp4", dir / (big ? "large" : "small"),
                               named(big ? "large" : "small"))) {
            ++bad;
          }
        } else {
          auto info = store->stat("o/x.mp4");
          if (!info || (info->size == large.size()) != (info->download_name == "large")) ++bad;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_TRUE(is_empty_dir(dir / "store" / ".tmp"));
}

}  // namespace
}  // namespace pitchreel
