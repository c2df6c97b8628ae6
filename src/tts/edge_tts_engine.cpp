#include "tts/edge_tts_engine.h"

#include <atomic>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fetch/backend_failure.h"
#include "media/audio_decode.h"
#include "tts/edge_protocol.h"
#include "tts/edge_session.h"
#include "tts/edge_token.h"
#include "tts/edge_voice_list.h"
#include "tts/edge_word_timing.h"
#include "tts/remote_tts.h"

namespace pitchreel {
namespace {

using edge::TurnFailure;
using SystemClock = std::chrono::system_clock;

constexpr std::string_view kServiceName = "the Edge speech service";

// How far the local clock is behind the service's, per service URL, shared by every job of
// the process: once one turn learnt it from a 403, the next ones start right.
std::atomic<std::int64_t>& clock_offset_ms(const std::string& url) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<std::atomic<std::int64_t>>> offsets;
  std::lock_guard lock(mutex);
  auto& slot = offsets[url];
  if (!slot) slot = std::make_unique<std::atomic<std::int64_t>>(0);
  return *slot;
}

std::string fallback_hint() {
  return "choose an offline voice (`pitchreel voices`), or set PITCHREEL_TTS_FALLBACK=espeak "
         "to fall back to one automatically";
}

Error turn_error(const edge::EdgeSettings& settings, const TurnFailure& f, bool retried_403) {
  const std::string url = fetch::display_url(settings.synthesis_url());
  using Kind = TurnFailure::Kind;
  std::string cause;
  std::string check;
  switch (f.kind) {
    case Kind::kBadUrl:
      return Error::invalid(
          "tts_misconfigured",
          fmt::format("EDGE_TTS_URL={} is not a wss://host[:port]/path URL. Fix the setting, "
                      "or unset it to use the service itself.",
                      settings.base_url));
    case Kind::kDns:
      cause = fmt::format("the host name does not resolve ({})", f.detail);
      check = "Check that this machine has internet access and working DNS";
      break;
    case Kind::kConnect:
      cause = fmt::format("no connection ({})", f.detail);
      check = "Check the machine's internet access, firewall or proxy (EDGE_TTS_URL)";
      break;
    case Kind::kTls:
      cause = fmt::format("the TLS handshake failed ({})", f.detail);
      check = "Check the system's CA certificates, the clock, or EDGE_TTS_CA_FILE for a proxy";
      break;
    case Kind::kRejected:
      if (f.http_status == 403) {
        cause = retried_403
                    ? "it refused the request token (HTTP 403) again after pitchreel corrected "
                      "its clock from the service's Date header"
                    : "it refused the request token (HTTP 403) and sent no Date to correct the "
                      "clock from";
        check = "The service may have changed its token scheme; update pitchreel";
      } else {
        cause = fmt::format("it answered HTTP {} instead of opening the stream", f.http_status);
        check = "The service may be down or have changed; try again later";
      }
      break;
    case Kind::kTimeout:
      cause = fmt::format("the speech was not complete within {} s", settings.timeout_s);
      check = "Try again later, or raise TTS_TIMEOUT_S for long scripts";
      break;
    case Kind::kStalled:
      cause = fmt::format("the stream stalled: nothing arrived for {} s{}", settings.idle_timeout_s,
                          f.audio_started ? " in the middle of the audio" : "");
      check = "Check the network; the service may be overloaded";
      break;
    case Kind::kClosed:
      cause = fmt::format("the stream ended before the speech was complete ({}{})", f.detail,
                          f.audio_started ? ", after part of the audio" : "");
      check = "Check the network; the service may have rejected the voice or the text";
      break;
    case Kind::kProtocol:
      cause = fmt::format("it sent something pitchreel does not understand ({})", f.detail);
      check = "The protocol may have changed; update pitchreel";
      break;
  }
  return Error::unavailable(
      "tts_unavailable", fmt::format("Cannot synthesise speech with {} at {}: {}. {}, or {}.",
                                     kServiceName, url, cause, check, fallback_hint()));
}

edge::TurnRequest make_turn(const edge::EdgeSettings& settings, const edge::VoiceName& voice,
                            std::string_view script, const SpeechOptions& options,
                            SystemClock::time_point now) {
  edge::TurnRequest turn;
  turn.url = settings.synthesis_url();
  turn.query = fmt::format("TrustedClientToken={}&Sec-MS-GEC={}&Sec-MS-GEC-Version={}&ConnectionId={}",
                           edge::kTrustedClientToken, edge::sec_ms_gec(now),
                           edge::sec_ms_gec_version(), edge::random_hex_id());
  turn.ca_file = settings.ca_file;
  const std::string major(edge::kChromiumMajorVersion);
  turn.headers = {
      {"Pragma", "no-cache"},
      {"Cache-Control", "no-cache"},
      {"Origin", "chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold"},
      {"User-Agent", fmt::format("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                 "(KHTML, like Gecko) Chrome/{}.0.0.0 Safari/537.36 Edg/{}.0.0.0",
                                 major, major)},
      {"Accept-Encoding", "gzip, deflate, br"},
      {"Accept-Language", "en-US,en;q=0.9"},
      {"Cookie", fmt::format("muid={};", edge::random_hex_id(/*upper=*/true))},
  };
  const std::string timestamp = edge::js_date(now);
  turn.messages = {
      edge::speech_config_message(timestamp),
      edge::ssml_message(edge::random_hex_id(), timestamp,
                         edge::make_ssml(script, voice, options.rate_wpm, options.pitch)),
  };
  turn.connect_timeout = std::chrono::seconds(settings.connect_timeout_s);
  turn.idle_timeout = std::chrono::seconds(settings.idle_timeout_s);
  turn.total_timeout = std::chrono::seconds(settings.timeout_s);
  return turn;
}

}  // namespace

EdgeTtsEngine::EdgeTtsEngine(edge::EdgeSettings settings)
    : settings_(std::move(settings)),
      health_(fetch::BackendHealth::for_url(std::string(kServiceName), settings_.base_url,
                                            settings_.unhealthy_after,
                                            std::chrono::seconds(settings_.probe_s))) {}

double EdgeTtsEngine::clock_offset_s() const {
  return double(clock_offset_ms(settings_.base_url).load()) / 1000.0;
}

Result<Speech> EdgeTtsEngine::synthesize(std::string_view script, const SpeechOptions& options) {
  if (auto ok = check_remote_request(script, options); !ok) return fail(ok.error());
  const auto voice = edge::parse_voice_name(options.voice);
  if (!voice) {
    return fail(Error::invalid(
        "voice_not_found",
        fmt::format("\"edge:{}\" is not an Edge voice; Edge voices look like "
                    "edge:en-US-AriaNeural. Run `pitchreel voices --language en` to see them.",
                    options.voice)));
  }
  if (auto admitted = health_->admit("tts"); !admitted) return fail(admitted.error());

  auto& offset = clock_offset_ms(settings_.base_url);
  const auto corrected_now = [&] {
    return settings_.now() + std::chrono::milliseconds(offset.load());
  };
  auto turn = edge::run_turn(make_turn(settings_, *voice, script, options, corrected_now()));
  bool retried_403 = false;
  if (!turn && turn.error().kind == TurnFailure::Kind::kRejected && turn.error().http_status == 403 &&
      turn.error().server_date) {
    // The token is only valid in the server's five-minute window: take its clock and retry.
    const auto local = settings_.now();
    const auto skew = std::chrono::duration_cast<std::chrono::milliseconds>(
        *turn.error().server_date - local);
    offset.store(skew.count());
    spdlog::warn("edge tts token refused, clock corrected from Date offset_s={:.0f}",
                 double(skew.count()) / 1000.0);
    retried_403 = true;
    turn = edge::run_turn(make_turn(settings_, *voice, script, options, corrected_now()));
  }
  if (!turn) {
    Error error = turn_error(settings_, turn.error(), retried_403);
    spdlog::warn("edge tts failed kind={} status={} detail=\"{}\"", edge::to_string(turn.error().kind),
                 turn.error().http_status, turn.error().detail);
    if (error.kind == ErrorKind::kUnavailable) health_->record_failure(error);
    return fail(error);
  }
  if (turn->audio.empty()) {
    Error error = turn_error(settings_, {TurnFailure::Kind::kClosed, 0, {}, false, "no audio in the turn"},
                             false);
    health_->record_failure(error);
    return fail(error);
  }
  auto decoded = decode_audio(turn->audio, "The Edge speech service's audio");
  if (!decoded) {
    Error error = Error::unavailable(
        "tts_unavailable",
        fmt::format("{} sent audio pitchreel cannot decode ({}). Try again, or {}.", kServiceName,
                    decoded.error().message, fallback_hint()));
    health_->record_failure(error);
    return fail(error);
  }
  health_->record_success();
  Speech speech;
  speech.sample_rate = decoded->sample_rate;
  speech.samples = std::move(decoded->samples);
  speech.words = edge::words_from_boundaries(script, turn->words, speech.duration());
  return speech;
}

Result<std::vector<Voice>> EdgeTtsEngine::voices() {
  edge::VoiceList list = edge::load_voice_list(settings_);
  {
    std::lock_guard lock(note_mutex_);
    note_ = list.note;
  }
  return std::move(list.voices);
}

std::string EdgeTtsEngine::voices_note() {
  std::lock_guard lock(note_mutex_);
  return note_;
}

}  // namespace pitchreel

namespace pitchreel {

std::unique_ptr<TtsEngine> make_edge_engine(const ServiceConfig& config) {
  if (!config.edge_tts) return nullptr;
  edge::EdgeSettings settings;
  if (!config.edge_tts_url.empty()) {
    settings.base_url = config.edge_tts_url;
    while (!settings.base_url.empty() && settings.base_url.back() == '/') settings.base_url.pop_back();
  }
  settings.ca_file = config.edge_tts_ca_file;
  settings.connect_timeout_s = config.connect_timeout_s;
  settings.timeout_s = config.tts_timeout_s;
  settings.idle_timeout_s = std::min(15, config.tts_timeout_s);
  settings.unhealthy_after = config.hallo3_unhealthy_after;
  settings.probe_s = config.hallo3_probe_s;
  settings.voice_cache = config.data_dir / "cache" / "edge-voices.json";
  settings.voice_list_ttl_s = config.edge_tts_voices_ttl_s;
  return std::make_unique<EdgeTtsEngine>(std::move(settings));
}

}  // namespace pitchreel
