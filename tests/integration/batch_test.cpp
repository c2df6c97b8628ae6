// `pitchreel batch`: the real binary on a CSV of real photos, rendering real videos.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "media/probe.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using testing::run_pitchreel;

constexpr const char* kShort = "Meet the lamp. It glows.";

class BatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    photo_ = testing::product_jpeg_file(dir_);
    testing::write_file(dir_ / "broken.jpg", "<html>not a photo</html>");
    out_ = dir_ / "out";
  }
  std::filesystem::path csv(const std::string& text) {
    const auto path = dir_ / "products.csv";
    testing::write_file(path, text);
    return path;
  }
  nlohmann::json report() {
    std::ifstream in(out_ / "batch-report.json");
    return nlohmann::json::parse(in, nullptr, false);
  }
  std::vector<std::string> videos() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(out_, ec)) {
      if (e.path().extension() == ".mp4") names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  testing::TempDir dir_;
  std::filesystem::path photo_, out_;
};

TEST_F(BatchCli, ASheetWithBadRowsIsRefusedWholeWithEveryProblemAndNothingIsMade) {
  const auto sheet = csv(
      "productId,productName,imageUrl,script,voice\n"
      "lamp-1,Lamp,product.jpg,,\n"
      "lamp-2,Lamp,missing.jpg,,\n"
      "lamp-3,Lamp,product.jpg," + std::string(501, 'x') + ",\n"
      "lamp-4,Lamp,product.jpg,,xx-no-such-voice\n");
  const auto r = run_pitchreel({"batch", sheet.string(), "--out-dir", out_.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("row 3, imageUrl: error[image_not_found]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 4, script: error[script_too_long]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 5, voice: error[voice_not_found]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 problems; no video was made"), std::string::npos) << r.err;
  EXPECT_TRUE(videos().empty());

  const auto j = run_pitchreel({"batch", sheet.string(), "--out-dir", out_.string(), "--json"});
  EXPECT_EQ(j.exit_code, 2);
  const auto answer = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << j.out;
  EXPECT_EQ(answer["code"], "batch_invalid");
  ASSERT_EQ(answer["problems"].size(), 3u);
  EXPECT_EQ(answer["problems"][0]["row"], 3);
  EXPECT_EQ(answer["problems"][0]["field"], "imageUrl");
}

TEST_F(BatchCli, OneVideoPerRowAndABrokenPhotoFailsOnlyItsRow) {
  const auto sheet = csv(std::string("productId,productName,imageUrl,script,aspect,price\n") +
                         "lamp-1,Lamp,product.jpg," + kShort + ",,9.99\n" +
                         "lamp-2,Lamp,broken.jpg," + kShort + ",,9.99\n" +
                         ",\"Lamp, tall\"," + photo_.string() + "," + kShort + ",9:16,12\n");
  const auto r = run_pitchreel(
      {"batch", sheet.string(), "--out-dir", out_.string(), "--height", "720", "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("note: column \"price\" is not used"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 3 (lamp-2): error[image_unreadable]"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 of 3 videos made, 1 failed"), std::string::npos) << r.out;
  EXPECT_EQ(videos(), (std::vector<std::string>{"0002-lamp-1.mp4", "0004-lamp-tall.mp4"}));

  const auto wide = probe(out_ / "0002-lamp-1.mp4");
  ASSERT_TRUE(wide) << wide.error().message;
  EXPECT_EQ(wide->width, 1280);
  EXPECT_EQ(wide->height, 720);
  EXPECT_GT(wide->video_duration, 1.0);
  const auto tall = probe(out_ / "0004-lamp-tall.mp4");
  ASSERT_TRUE(tall) << tall.error().message;
  EXPECT_EQ(tall->width, 720);
  EXPECT_EQ(tall->height, 1280);
  EXPECT_TRUE(std::filesystem::exists(out_ / "0002-lamp-1.jpg"));
  EXPECT_TRUE(std::filesystem::exists(out_ / "0002-lamp-1.vtt"));

  const auto rep = report();
  ASSERT_TRUE(rep.is_object());
  EXPECT_EQ(rep["total"], 3);
  EXPECT_EQ(rep["succeeded"], 2);
  EXPECT_EQ(rep["items"][1]["status"], "failed");
  EXPECT_EQ(rep["items"][1]["error"]["code"], "image_unreadable");
  EXPECT_EQ(rep["items"][2]["video"], (out_ / "0004-lamp-tall.mp4").string());
  const std::string csv_report = testing::read_file(out_ / "batch-report.csv");
  EXPECT_NE(csv_report.find("3,failed,lamp-2,,,,,,image_unreadable,"), std::string::npos) << csv_report;
  for (const auto& e : std::filesystem::directory_iterator(out_)) {
    const auto name = e.path().filename().string();
    EXPECT_TRUE(name[0] != '.' || name == ".batch.lock") << "left behind: " << name;
  }
}

TEST_F(BatchCli, ResumeAfterAKilledRunMakesOnlyWhatIsMissing) {
  std::string text = "productId,productName,imageUrl,script\n";
  for (int i = 1; i <= 3; ++i) {
    text += "lamp-" + std::to_string(i) + ",Lamp,product.jpg," + kShort + "\n";
  }
  const auto sheet = csv(text);
  // The first run is killed once it has made one video.
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execl(PITCHREEL_BINARY, PITCHREEL_BINARY, "batch", sheet.c_str(), "--out-dir", out_.c_str(),
            "--height", "720", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  bool one_made = false;
  while (!one_made && std::chrono::steady_clock::now() < deadline) {
    const auto rep = report();
    one_made = rep.is_object() && rep["succeeded"] == 1;
    if (!one_made) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(one_made) << "the first run never finished a video";
  ASSERT_EQ(videos(), std::vector<std::string>{"0002-lamp-1.mp4"});
  const auto first_written = std::filesystem::last_write_time(out_ / "0002-lamp-1.mp4");

  const auto r = run_pitchreel(
      {"batch", sheet.string(), "--out-dir", out_.string(), "--height", "720", "--resume"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("3 of 3 videos made (1 by an earlier run), 0 failed"), std::string::npos)
      << r.out;
  EXPECT_EQ(videos(), (std::vector<std::string>{"0002-lamp-1.mp4", "0003-lamp-2.mp4",
                                                "0004-lamp-3.mp4"}));
  EXPECT_EQ(std::filesystem::last_write_time(out_ / "0002-lamp-1.mp4"), first_written)
      << "the video made before the kill was made again";
  for (const auto& e : std::filesystem::directory_iterator(out_)) {
    const auto name = e.path().filename().string();
    EXPECT_TRUE(name[0] != '.' || name == ".batch.lock") << "left behind: " << name;
  }
  EXPECT_EQ(report()["succeeded"], 3);
}

}  // namespace
}  // namespace pitchreel
