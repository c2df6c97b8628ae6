// Audio decoding of what speech services answer: real espeak-ng speech encoded as MP3
// (libmp3lame), Opus, AAC and WAV, decoded back to mono float.
#include "media/audio_decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "media/wav_writer.h"
#include "support/audio_encode.h"
#include "support/test_support.h"
#include "tts/espeak_engine.h"

namespace pitchreel {
namespace {

using testing::AudioFormat;

const Speech& sample_speech() {
  static const Speech speech = [] {
    EspeakEngine engine;
    auto s = engine.synthesize("Meet the Aurora bottle. It keeps your coffee hot all day.", {});
    return s ? *s : Speech{};
  }();
  return speech;
}

double rms(std::span<const float> samples) {
  double sum = 0;
  for (float s : samples) sum += double(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / double(samples.size()));
}

class AudioDecodeFormats : public ::testing::TestWithParam<AudioFormat> {};

TEST_P(AudioDecodeFormats, DecodesSpeechToMonoAtTheTargetRate) {
  const Speech& speech = sample_speech();
  ASSERT_FALSE(speech.samples.empty());
  const auto bytes = testing::encode_audio(speech.samples, speech.sample_rate, GetParam());
  ASSERT_GT(bytes.size(), 1000u);
  AudioDecodeOptions options;
  options.target_rate = 16000;
  auto decoded = decode_audio(bytes, "speech", options);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->sample_rate, 16000);
  // Codecs add a frame or two of padding (raw AAC cannot say how much); the speech is all there.
  EXPECT_NEAR(decoded->duration(), speech.duration(), 0.12) << decoded->codec;
  EXPECT_NEAR(rms(decoded->samples), rms(speech.samples), 0.3 * rms(speech.samples));
}

INSTANTIATE_TEST_SUITE_P(Codecs, AudioDecodeFormats,
                         ::testing::Values(AudioFormat::kMp3, AudioFormat::kOpus,
                                           AudioFormat::kAac));

TEST(AudioDecode, WavKeepsItsRateAndSamples) {
  const Speech& speech = sample_speech();
  const auto bytes = encode_wav(speech.samples, speech.sample_rate);
  auto decoded = decode_audio(bytes, "speech.wav");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->codec, "pcm_s16le");
  EXPECT_EQ(decoded->sample_rate, speech.sample_rate);
  ASSERT_EQ(decoded->samples.size(), speech.samples.size());
  for (std::size_t i = 0; i < speech.samples.size(); i += 997) {
    EXPECT_NEAR(decoded->samples[i], speech.samples[i], 1.0 / 16000);
  }
}

TEST(AudioDecode, RecordedStereoSpeechFileDownmixesAndResamples) {
  PITCHREEL_REQUIRE_TESTDATA(wav, "speech/speech-1.wav");
  auto decoded = decode_audio_file(wav, {.target_rate = 22050});
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->sample_rate, 22050);
  EXPECT_GT(decoded->duration(), 7.0);  // the recordings are 7.5 to 15 s
  EXPECT_LT(decoded->duration(), 16.0);
  EXPECT_GT(rms(decoded->samples), 0.005);
  auto missing = decode_audio_file(wav.parent_path() / "missing.wav", {.target_rate = 22050});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "audio_not_found");
}

TEST(AudioDecode, MentionsWhatANonAudioAnswerLooksLike) {
  const std::string html = "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>";
  auto decoded = decode_audio(
      std::span(reinterpret_cast<const std::uint8_t*>(html.data()), html.size()), "The answer");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, "audio_unreadable");
  EXPECT_NE(decoded.error().message.find("HTML"), std::string::npos) << decoded.error().message;
  EXPECT_NE(decoded.error().message.find("The answer"), std::string::npos);
}

TEST(AudioDecode, RefusesEmptyAndTooLongAudio) {
  auto empty = decode_audio({}, "nothing");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, "audio_empty");

  const Speech& speech = sample_speech();
  const auto bytes = encode_wav(speech.samples, speech.sample_rate);
  AudioDecodeOptions options;
  options.max_seconds = 1.0;
  auto long_audio = decode_audio(bytes, "speech.wav", options);
  ASSERT_FALSE(long_audio.has_value());
  EXPECT_EQ(long_audio.error().code, "audio_too_long");
}

// A music bed is a song of minutes under a video of seconds: only what plays is decoded,
// and what is not read is not held to the limit either.
TEST(AudioDecode, KeepsOnlyTheFirstSecondsAsked) {
  const Speech& speech = sample_speech();
  ASSERT_GT(speech.duration(), 2.5);
  const auto bytes = testing::encode_audio(speech.samples, speech.sample_rate, AudioFormat::kMp3);
  AudioDecodeOptions options;
  options.target_rate = 16000;
  auto whole = decode_audio(bytes, "song.mp3", options);
  ASSERT_TRUE(whole.has_value()) << whole.error().message;
  options.keep_seconds = 1.5;
  options.max_seconds = 2.0;  // the whole is longer: refused without keep_seconds
  auto first = decode_audio(bytes, "song.mp3", options);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->samples.size(), 24000u);
  EXPECT_EQ(first->sample_rate, 16000);
  for (std::size_t i = 0; i < first->samples.size(); i += 101) {
    ASSERT_EQ(first->samples[i], whole->samples[i]) << i;  // the same samples, cut
  }
  // Asked for more than there is: all of it, as without keep_seconds.
  options.keep_seconds = 60;
  options.max_seconds = 600;
  auto all = decode_audio(bytes, "song.mp3", options);
  ASSERT_TRUE(all.has_value()) << all.error().message;
  EXPECT_EQ(all->samples.size(), whole->samples.size());
}

// A file is decoded as it is read, to the same samples as its bytes in memory, and says
// what it looks like when it is not audio.
TEST(AudioDecode, FileDecodesAsItsBytesDo) {
  const Speech& speech = sample_speech();
  const auto bytes = testing::encode_audio(speech.samples, speech.sample_rate, AudioFormat::kMp3);
  testing::TempDir dir;
  const auto path = dir.path() / "speech.mp3";
  testing::write_file(path, std::string(bytes.begin(), bytes.end()));
  AudioDecodeOptions options;
  options.target_rate = 22050;
  auto from_memory = decode_audio(bytes, "speech.mp3", options);
  auto from_file = decode_audio_file(path, options);
  ASSERT_TRUE(from_memory.has_value()) << from_memory.error().message;
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message;
  EXPECT_EQ(from_file->codec, "mp3float");
  EXPECT_EQ(from_file->samples, from_memory->samples);
  options.keep_seconds = 1;
  auto first = decode_audio_file(path, options);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->samples.size(), 22050u);

  const std::string html = "<!DOCTYPE html><html><body>Not found</body></html>";
  const auto page = dir.path() / "music.mp3";
  testing::write_file(page, html);
  auto not_audio = decode_audio_file(page, options);
  ASSERT_FALSE(not_audio.has_value());
  EXPECT_EQ(not_audio.error().code, "audio_unreadable");
  EXPECT_NE(not_audio.error().message.find("HTML"), std::string::npos) << not_audio.error().message;
  EXPECT_NE(not_audio.error().message.find("music.mp3"), std::string::npos);
  const auto empty = dir.path() / "empty.wav";
  testing::write_file(empty, "");
  auto nothing = decode_audio_file(empty, options);
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().code, "audio_empty");
}

TEST(AudioDecode, TruncatedMp3KeepsWhatDecodedOrFailsCleanly) {
  const Speech& speech = sample_speech();
  auto bytes = testing::encode_audio(speech.samples, speech.sample_rate, AudioFormat::kMp3);
  bytes.resize(bytes.size() / 2);
  auto decoded = decode_audio(bytes, "half.mp3");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_LT(decoded->duration(), 0.75 * speech.duration());
  EXPECT_GT(decoded->duration(), 0.25 * speech.duration());
}

}  // namespace
}  // namespace pitchreel
