// Word timings by forced alignment with PocketSphinx, for speech that comes without them
// (remote neural TTS). The decoder is given a grammar that is exactly the script's words in
// order (optional silences and fillers between them) and reports which 10 ms frames each
// word occupies. Unlike the energy aligner (audio_alignment.h) it listens to the phones, so
// it needs no duration prior and does not care about the voice's rhythm.
//
// Contract:
// - align() returns one WordTiming per whitespace-separated word of the script
//   (split_words), in order, text as written, 0 <= start < end <= duration, end <= next
//   start; or std::nullopt when it cannot, and the caller falls back to
//   align_script_to_audio: the model files are missing or do not load; a word has no
//   pronunciation (neither in the dictionary nor dictionary words run together, as
//   "earbuds" or "hand-made"; numbers in digits, most non-English words); the decoder finds
//   no path through the grammar (very fast speech, speech that is not the script); or the
//   result is not one increasing timing per word.
// - English only: the model is Debian's pocketsphinx-en-us (US English acoustic model and
//   the CMU dictionary).
// - The model is loaded on the first align() and kept; a model that failed to load is not
//   tried again. align() is thread-safe: calls share one decoder and take turns (a script
//   of 20 words takes about 0.1 s).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tts/speech.h"

namespace pitchreel {

struct SphinxModel {
  std::filesystem::path acoustic;    // the acoustic model's folder (holds mdef, means, ...)
  std::filesystem::path dictionary;  // the pronouncing dictionary (cmudict-en-us.dict)
};

// Where pocketsphinx-en-us installs its model (pkg-config's modeldir of pocketsphinx).
SphinxModel default_sphinx_model();

class SphinxAligner {
 public:
  explicit SphinxAligner(SphinxModel model = default_sphinx_model());
  ~SphinxAligner();
  SphinxAligner(const SphinxAligner&) = delete;
  SphinxAligner& operator=(const SphinxAligner&) = delete;

  std::optional<std::vector<WordTiming>> align(std::string_view script,
                                               std::span<const float> samples, int sample_rate);

  // The aligner with the default model, shared by the remote engines.
  static SphinxAligner& shared();

 private:
  struct Decoder;

  SphinxModel model_;
  std::mutex mutex_;
  bool tried_ = false;                // guarded by mutex_
  std::unique_ptr<Decoder> decoder_;  // guarded by mutex_; null when loading failed
};

}  // namespace pitchreel
