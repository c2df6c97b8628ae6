// TtsEngine for Microsoft Edge's neural voices ("edge:en-US-AriaNeural") over the
// read-aloud protocol (edge_protocol.h, edge_session.h): no key, one secure WebSocket per
// synthesis, 24 kHz MP3 plus word boundaries that become the captions' word timings
// directly (edge_word_timing.h); the presenter's mouth follows the audio, as for other
// remote voices (no phoneme timings).
//
// The Sec-MS-GEC token depends on the server's clock. A 403 answer whose Date header says
// the local clock is off corrects the clock (process-wide, per service URL) and the turn is
// tried once more; a second 403 is final.
//
// Errors: "voice_not_found" for a voice that is not a short name; "tts_unavailable" when
// the service cannot be reached or fails (the cause and what to check in the message);
// "tts_unhealthy" while the circuit breaker is open (fetch/backend_health.h);
// "tts_misconfigured" for an EDGE_TTS_URL that is not wss://; the TtsEngine contract's.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/config.h"
#include "fetch/backend_health.h"
#include "tts/edge_settings.h"
#include "tts/tts_engine.h"

namespace pitchreel {

class EdgeTtsEngine final : public TtsEngine {
 public:
  explicit EdgeTtsEngine(edge::EdgeSettings settings);
  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  // The service's list (cached on disk with a TTL), else the cache, else a built-in list
  // (edge_voice_list.h); never fails.
  Result<std::vector<Voice>> voices() override;
  std::string voices_note() override;

  // The correction applied to the local clock for this service, in seconds.
  double clock_offset_s() const;

 private:
  edge::EdgeSettings settings_;
  std::shared_ptr<fetch::BackendHealth> health_;
  std::mutex note_mutex_;
  std::string note_;
};

}  // namespace pitchreel

namespace pitchreel {
// The engine EDGE_TTS and EDGE_TTS_* configure; nullptr when EDGE_TTS=off. The voice list
// is cached under the data directory.
std::unique_ptr<TtsEngine> make_edge_engine(const ServiceConfig& config);
}  // namespace pitchreel
