#include "tts/voice_backends.h"

#include "tts/edge_tts_engine.h"
#include "tts/espeak_engine.h"
#include "tts/http_tts_engine.h"
#include "tts/openai_tts_engine.h"

namespace pitchreel {

const std::vector<VoiceBackend>& voice_backends() {
  static const std::vector<VoiceBackend> backends = {
      {"espeak", "", [](const ServiceConfig&) { return make_espeak_engine(); }, true},
      {"edge", "EDGE_TTS", make_edge_engine, false},
      {"http", "TTS_HTTP_URL", make_http_tts_engine, false},
      {"openai", "OPENAI_TTS_URL", make_openai_tts_engine, false},
  };
  return backends;
}

}  // namespace pitchreel
