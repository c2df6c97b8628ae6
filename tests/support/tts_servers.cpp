#include "support/tts_servers.h"

#include "media/wav_writer.h"
#include "tts/espeak_engine.h"

namespace pitchreel::testing {
namespace {

void reject(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", {{"message", message}}}}.dump(), "application/json");
}

}  // namespace

TtsContractServer::TtsContractServer() {
  server_.http().Post("/tts", [this](const httplib::Request& req, httplib::Response& res) {
    serve(req, res, false);
  });
  server_.http().Post(
      "/v1/audio/speech",
      [this](const httplib::Request& req, httplib::Response& res) { serve(req, res, true); });
  started_ = server_.start();
}

TtsContractServer::~TtsContractServer() {
  stopping_ = true;
  server_.stop();
}

void TtsContractServer::require_key(std::string key) {
  std::lock_guard lock(mutex_);
  key_ = std::move(key);
}

nlohmann::json TtsContractServer::last_request() const {
  std::lock_guard lock(mutex_);
  return last_request_;
}

Speech TtsContractServer::last_speech() const {
  std::lock_guard lock(mutex_);
  return last_speech_;
}

void TtsContractServer::serve(const httplib::Request& req, httplib::Response& res, bool openai) {
  const Fault fault = faults_.next();
  if (apply_simple_fault(fault, res, stopping_)) return;
  {
    std::lock_guard lock(mutex_);
    if (!key_.empty() && req.get_header_value("Authorization") != "Bearer " + key_) {
      return reject(res, 401, "Incorrect API key provided.");
    }
  }
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    return reject(res, 400, "Content-Type must be application/json");
  }
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return reject(res, 400, "body is not JSON");
  const char* text_field = openai ? "input" : "text";
  if (!body.contains(text_field) || !body[text_field].is_string() ||
      body[text_field].get<std::string>().empty()) {
    return reject(res, 400, std::string("missing ") + text_field);
  }
  if (!body.contains("voice") || !body["voice"].is_string())
    return reject(res, 400, "missing voice");
  AudioFormat format = format_;
  std::string type = "audio/mpeg";
  bool wav = false;
  double speed = 1.0;
  if (openai) {
    if (!body.contains("model") || !body["model"].is_string())
      return reject(res, 400, "missing model");
    const std::string rf = body.value("response_format", "mp3");
    if (rf == "mp3") {
      format = AudioFormat::kMp3;
    } else if (rf == "opus") {
      format = AudioFormat::kOpus, type = "audio/ogg";
    } else if (rf == "aac") {
      format = AudioFormat::kAac, type = "audio/aac";
    } else if (rf == "wav") {
      wav = true, type = "audio/wav";
    } else {
      return reject(res, 400, "unsupported response_format " + rf);
    }
    if (body.contains("speed")) {
      if (!body["speed"].is_number()) return reject(res, 400, "speed must be a number");
      speed = body["speed"].get<double>();
      if (speed < 0.25 || speed > 4.0) return reject(res, 400, "speed must be 0.25..4");
    }
  } else if (format == AudioFormat::kOpus) {
    type = "audio/ogg";
  } else if (format == AudioFormat::kAac) {
    type = "audio/aac";
  }
  // Real speech for the text: espeak-ng stands in for the neural voice.
  EspeakEngine espeak;
  SpeechOptions options;
  options.rate_wpm = static_cast<int>(165 * speed);
  auto speech = espeak.synthesize(body[text_field].get<std::string>(), options);
  if (!speech) return reject(res, 500, speech.error().message);
  std::vector<std::uint8_t> audio =
      wav ? encode_wav(speech->samples, speech->sample_rate)
          : encode_audio(speech->samples, speech->sample_rate, format);
  if (audio.empty()) return reject(res, 500, "encoding failed");
  if (fault == Fault::kGarbage) {
    audio.assign(audio.size(), 0x5A);
  } else if (fault == Fault::kTruncated) {
    audio.resize(std::min<std::size_t>(audio.size(), 200));
  }
  {
    std::lock_guard lock(mutex_);
    last_request_ = body;
    last_request_["_authorization"] = req.get_header_value("Authorization");
    last_speech_ = *speech;
  }
  res.status = 200;
  res.set_content(std::string(audio.begin(), audio.end()), type);
}

}  // namespace pitchreel::testing
