// Background music through the service: POST /api/v1/jobs takes a `music` file part (or
// base64 in JSON) or a `musicUrl`, checks that it decodes before anything is stored, keeps
// it with the job's inputs (the uploads folder, or {org}/inputs/{job id}/music in the
// bucket with STORAGE=s3), and the worker mixes it under the narration. What comes out is
// measured on the published MP4's audio: the music's tone is there before the first word
// and under the voice, ducked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>

#include "engines/base64.h"
#include "media/audio_decode.h"
#include "media/wav_writer.h"
#include "support/loopback_server.h"
#include "support/s3_server.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

constexpr double kToneHz = 60;
constexpr int kRate = 48000;
const std::string kScript = "Meet Aurora. It keeps drinks cold all day.";

std::string to_base64(const std::string& bytes) {
  return base64_encode(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// `seconds` of a 440 Hz sine at -12 dBFS, as WAV bytes: music whose presence in the mix
// can be measured exactly (its one frequency).
std::string tone_wav(double seconds, int rate = 44100) {
  std::vector<float> samples(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = 0.25f * static_cast<float>(std::sin(2 * std::numbers::pi * kToneHz * i / rate));
  }
  const auto wav = encode_wav(samples, rate);
  return std::string(wav.begin(), wav.end());
}

// The kToneHz component over [from, to) seconds as a complex amplitude (a sine's peak
// amplitude in magnitude): a single DFT bin, which the speech's broad spectrum, whose lowest
// harmonic lies well above it, barely touches.
std::complex<double> tone(const std::vector<float>& x, double from, double to) {
  const auto a = static_cast<std::size_t>(from * kRate);
  const auto b = std::min(x.size(), static_cast<std::size_t>(to * kRate));
  std::complex<double> sum = 0;
  for (std::size_t i = a; i < b; ++i) {
    sum += static_cast<double>(x[i]) * std::polar(1.0, -2 * std::numbers::pi * kToneHz * i / kRate);
  }
  return b > a ? 2.0 * sum / static_cast<double>(b - a) : 0.0;
}

double db(std::complex<double> amplitude) {
  return 20 * std::log10(std::max(std::abs(amplitude), 1e-10));
}

double tone_db(const std::vector<float>& x, double from, double to) { return db(tone(x, from, to)); }

double rms_db(const std::vector<float>& x, double from, double to) {
  const auto a = static_cast<std::size_t>(from * kRate);
  const auto b = std::min(x.size(), static_cast<std::size_t>(to * kRate));
  double sum = 0;
  for (std::size_t i = a; i < b; ++i) sum += static_cast<double>(x[i]) * x[i];
  return b > a ? 10 * std::log10(std::max(sum / static_cast<double>(b - a), 1e-20)) : -200;
}

// The finished job's MP4 audio, decoded (mono, 48 kHz).
std::vector<float> job_audio(const ServerProcess& server, const json& job) {
  const std::string url = job["video"].value("url", "");
  if (url.empty()) {
    ADD_FAILURE() << "no video url: " << job.dump();
    return {};
  }
  // A path on the server (local storage) or a presigned bucket URL (STORAGE=s3).
  const auto slash = url.find('/', 8);
  auto res = url.rfind(server.base_url(), 0) == 0
                 ? server.client().Get(testing::url_path(url))
                 : httplib::Client(url.substr(0, slash)).Get(url.substr(slash));
  if (!res || res->status != 200) {
    ADD_FAILURE() << "video not downloaded: " << url;
    return {};
  }
  const std::span<const std::uint8_t> bytes(
      reinterpret_cast<const std::uint8_t*>(res->body.data()), res->body.size());
  AudioDecodeOptions options;
  options.target_rate = kRate;
  auto audio = decode_audio(bytes, "video.mp4", options);
  if (!audio) {
    ADD_FAILURE() << audio.error().message;
    return {};
  }
  return std::move(audio->samples);
}

// The music is heard where nobody speaks (the lead-in before the first word), is still
// there under the voice but at least 12 dB lower, and is faded out at the very end.
// With `plain` (the same job rendered without music), the music under the voice is the
// difference of the two (what the voice itself has at the tone's frequency cancels).
void expect_music_under_the_voice(const std::vector<float>& audio,
                                  const std::vector<float>& plain = {}) {
  ASSERT_GT(audio.size(), static_cast<std::size_t>(2 * kRate));
  const double seconds = static_cast<double>(audio.size()) / kRate;
  const double lead_in = tone_db(audio, 0.0, 0.3);
  // The loudest 200 ms of the voice (12 periods of the tone, so its bin is 5 Hz wide, far
  // below the voice's pitch): the music is ducked all through it.
  constexpr double kWindow = 0.2;
  double loudest = -200, loudest_at = 0;
  for (double t = 0.5; t + kWindow < seconds - 1.5; t += 0.05) {
    if (const double level = rms_db(audio, t, t + kWindow); level > loudest) {
      loudest = level;
      loudest_at = t;
    }
  }
  const double under_voice =
      plain.empty() ? tone_db(audio, loudest_at, loudest_at + kWindow)
                    : db(tone(audio, loudest_at, loudest_at + kWindow) -
                         tone(plain, loudest_at, loudest_at + kWindow));
  const double last = tone_db(audio, seconds - 0.1, seconds);
  std::printf("music tone: %.1f dB in the lead-in, %.1f dB under the voice (voice %.1f dB RMS), "
              "%.1f dB in the last 100 ms\n",
              lead_in, under_voice, loudest, last);
  EXPECT_GT(lead_in, -40.0) << "music before the first word";
  EXPECT_GT(under_voice, -75.0) << "music kept (not cut) under the voice";
  EXPECT_GE(lead_in - under_voice, 12.0) << "ducked at least 12 dB under speech";
  EXPECT_LT(last, lead_in - 12.0) << "faded out at the end";
}

// Every refusal: the code, a 4xx status, and nothing kept.
void expect_refused(const ServerProcess& server, const httplib::Result& res, int status,
                    const std::string& code) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, status) << res->body;
  EXPECT_EQ(testing::json_body(res)["code"], code) << res->body;
  EXPECT_TRUE(testing::files_under(server.data_dir() / "uploads").empty()) << code;
}

httplib::MultipartFormDataItems with_music(httplib::MultipartFormDataItems form,
                                           const std::string& bytes,
                                           const std::string& name = "music.wav") {
  form.push_back({"music", bytes, name, "audio/wav"});
  return form;
}

TEST(ServeMusic, AMusicFileIsMixedUnderTheVoiceAndBadMusicIsRefused) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto product = testing::product_jpeg();
  const std::map<std::string, std::string> fields = {{"script", kScript}, {"height", "720"}};

  // Not audio, no sound, too long, not base64, an address the server may not reach.
  expect_refused(server, cli.Post("/api/v1/jobs", with_music(testing::job_form(product, fields), product, "song.mp3")),
                 415, "music_unreadable");
  expect_refused(server, cli.Post("/api/v1/jobs", with_music(testing::job_form(product, fields), tone_wav(0))),
                 400, "music_empty");
  expect_refused(server,
                 cli.Post("/api/v1/jobs", with_music(testing::job_form(product, fields), tone_wav(601, 8000))),
                 413, "music_too_long");
  const std::string image64 = to_base64(product);
  expect_refused(server,
                 cli.Post("/api/v1/jobs",
                          json{{"image", image64}, {"script", kScript}, {"music", "%%% not base64"}}.dump(),
                          "application/json"),
                 400, "music_not_base64");
  expect_refused(server,
                 cli.Post("/api/v1/jobs",
                          json{{"image", image64}, {"script", kScript}, {"musicUrl", "http://127.0.0.1:9/a.mp3"}}.dump(),
                          "application/json"),
                 400, "music_url_forbidden");
  expect_refused(server,
                 cli.Post("/api/v1/jobs",
                          json{{"image", image64}, {"script", kScript}, {"musicUrl", "ftp://music.example/a.mp3"}}.dump(),
                          "application/json"),
                 400, "music_url_invalid");
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 0) << "nothing queued";

  // The request without music: silence before the first word.
  auto plain = cli.Post("/api/v1/jobs", testing::job_form(product, fields));
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 202) << plain->body;
  const auto plain_done =
      testing::wait_for_job(cli, testing::json_body(plain).value("id", ""), {"succeeded", "failed"});
  ASSERT_EQ(plain_done["status"], "succeeded") << plain_done.dump();
  const auto silent = job_audio(server, plain_done);
  ASSERT_FALSE(silent.empty());
  EXPECT_LT(tone_db(silent, 0.0, 0.3), -80.0);

  // With music (as a data: URL in JSON): stored with the job's inputs, mixed, then removed.
  const std::string music64 = "data:audio/wav;base64," + to_base64(tone_wav(2));
  auto submitted = cli.Post(
      "/api/v1/jobs",
      json{{"image", image64}, {"script", kScript}, {"height", 720}, {"music", music64}}.dump(),
      "application/json");
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted).value("id", "");
  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump() << server.diagnostics();
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty());
  const auto mixed = job_audio(server, done);
  // Both start at the video's start; their ends may differ by an AAC frame or two.
  ASSERT_NEAR(static_cast<double>(mixed.size()), static_cast<double>(silent.size()), 0.1 * kRate);
  expect_music_under_the_voice(mixed, silent);
}

TEST(ServeMusic, AMusicUrlIsFetchedWithTheImageUrlPolicy) {
  const auto product = testing::product_jpeg();
  const auto music = tone_wav(3);
  const std::string big(2u << 20, 'x');
  testing::LoopbackServer files;
  std::atomic<int> music_fetches{0};
  files.http().Get("/bottle.jpg", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(product, "image/jpeg");
  });
  files.http().Get("/song.wav", [&](const httplib::Request&, httplib::Response& res) {
    ++music_fetches;
    res.set_content(music, "audio/wav");
  });
  files.http().Get("/page.html", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("<!doctype html><html><body>Not found</body></html>", "text/html");
  });
  files.http().Get("/huge.wav", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(big, "audio/wav");
  });
  ASSERT_TRUE(files.start());
  TempDir tmp;
  // Loopback is reachable only because the operator allows private addresses here.
  ServerProcess server(ServerOptions(
      tmp / "data", {{"PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS", "true"}, {"PITCHREEL_MAX_BODY_MB", "1"}}));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto job = [&](const std::string& music_path) {
    return json{{"imageUrl", files.url() + "/bottle.jpg"},
                {"musicUrl", files.url() + music_path},
                {"script", kScript},
                {"height", 720}}
        .dump();
  };
  expect_refused(server, cli.Post("/api/v1/jobs", job("/missing.mp3"), "application/json"), 400,
                 "music_url_http_error");
  expect_refused(server, cli.Post("/api/v1/jobs", job("/page.html"), "application/json"), 415,
                 "music_unreadable");
  expect_refused(server, cli.Post("/api/v1/jobs", job("/huge.wav"), "application/json"), 413,
                 "music_url_too_large");

  // A form field works as well as JSON.
  auto submitted = cli.Post(
      "/api/v1/jobs", testing::job_form("", {{"imageUrl", files.url() + "/bottle.jpg"},
                                             {"musicUrl", files.url() + "/song.wav"},
                                             {"script", kScript},
                                             {"height", "720"}}));
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  EXPECT_EQ(music_fetches.load(), 1) << "fetched once, at submission";
  const auto done =
      testing::wait_for_job(cli, testing::json_body(submitted).value("id", ""), {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump() << server.diagnostics();
  EXPECT_EQ(music_fetches.load(), 1) << "the worker uses the stored copy";
  EXPECT_TRUE(testing::files_left_under(server.data_dir() / "uploads").empty());
  expect_music_under_the_voice(job_audio(server, done));
}

std::map<std::string, std::string> s3_env(const testing::S3Server& s3, const std::string& role) {
  return {{"STORAGE", "s3"},
          {"S3_ENDPOINT", s3.endpoint()},
          {"S3_REGION", s3.options().region},
          {"S3_BUCKET", s3.options().bucket},
          {"S3_ACCESS_KEY_ID", s3.options().access_key},
          {"S3_SECRET_ACCESS_KEY", s3.options().secret},
          {"S3_TIMEOUT_S", "5"},
          {"PITCHREEL_ROLE", role}};
}

std::vector<std::string> input_keys(const testing::S3Server& s3) {
  auto listing = s3.rclone({"lsjson", "-R", "--files-only", "s3:" + s3.options().bucket});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  std::vector<std::string> keys;
  for (const auto& o : json::parse(listing.out, nullptr, false)) {
    const std::string path = o.value("Path", "");
    if (path.find("/inputs/") != std::string::npos) keys.push_back(path);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(ServeMusic, WithS3TheMusicIsAJobInputInTheBucketUntilTheJobEnds) {
  testing::S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  const auto form = with_music(
      testing::job_form(testing::product_jpeg(), {{"script", kScript}, {"height", "720"}}), tone_wav(2));

  // An API-only node: the jobs wait in the queue with their inputs in the bucket.
  std::string kept, canceled, key;
  {
    ServerProcess api(ServerOptions(tmp / "data", s3_env(s3, "api")));
    ASSERT_SERVER_READY(api);
    key = api.api_key();
    auto cli = api.client();
    for (auto* id : {&kept, &canceled}) {
      auto res = cli.Post("/api/v1/jobs", form);
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 202) << res->body;
      *id = testing::json_body(res).value("id", "");
    }
    const auto keys = input_keys(s3);
    ASSERT_EQ(keys.size(), 4u) << ::testing::PrintToString(keys);
    for (const auto& id : {kept, canceled}) {
      for (const std::string name : {"image", "music"}) {
        EXPECT_EQ(std::count_if(keys.begin(), keys.end(),
                                [&](const std::string& k) { return k.ends_with("/inputs/" + id + "/" + name); }),
                  1)
            << id << " " << name;
      }
    }
    // Canceled before any worker saw it: its image and music go at once.
    auto res = cli.Post("/api/v1/jobs/" + canceled + "/cancel", "", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 202) << res->body;
    const auto left = input_keys(s3);
    ASSERT_EQ(left.size(), 2u) << ::testing::PrintToString(left);
    for (const auto& k : left) EXPECT_NE(k.find("/inputs/" + kept + "/"), std::string::npos) << k;
  }

  // A node that renders: it downloads the music from the bucket, mixes it, and removes it.
  ServerProcess node(ServerOptions(tmp / "data", s3_env(s3, "all"), key));
  ASSERT_SERVER_READY(node);
  auto cli = node.client();
  const auto done = testing::wait_for_job(cli, kept, {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump() << node.diagnostics();
  // The inputs go just after the final status is stored.
  EXPECT_TRUE(testing::eventually([&] { return input_keys(s3).empty(); }, std::chrono::seconds(30)))
      << ::testing::PrintToString(input_keys(s3));
  expect_music_under_the_voice(job_audio(node, done));
}

}  // namespace
}  // namespace pitchreel
