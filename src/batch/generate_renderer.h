// The offline batch's ItemRenderer: each item through the same pipeline as `pitchreel
// generate` (worker/generate.h). An imageUrl or avatarUrl is an http(s) address, fetched
// with the URL policy of the service (fetch/url_fetcher.h), or a file path, relative to the
// folder of the batch's CSV. Fetched files live under the output folder only while their
// item renders.
//
// One instance per thread: it owns its voices and video engines.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "batch/batch_run.h"
#include "core/config.h"
#include "engines/video_engine.h"
#include "media/image.h"
#include "tts/voice_registry.h"

namespace pitchreel::batch {

struct GenerateSettings {
  ServiceConfig config;
  std::filesystem::path base_dir;  // relative image and avatar paths start here
  std::string default_engine;      // empty: config.default_engine
  std::string preset = "veryfast";
  int crf = 23;
  ImageLimits image_limits;
};

class GenerateRenderer final : public ItemRenderer {
 public:
  explicit GenerateRenderer(GenerateSettings settings);
  Result<RenderedItem> render(const BatchItem& item, const std::filesystem::path& output,
                              ProgressSink& progress) override;

 private:
  // A local file for `source` (a path, or a URL fetched to `fetched`).
  Result<std::filesystem::path> local_file(const std::string& source,
                                           const std::filesystem::path& fetched);
  Result<VideoEngine*> engine(const std::string& name);

  GenerateSettings settings_;
  std::unique_ptr<VoiceRegistry> voices_;
  std::map<std::string, std::unique_ptr<VideoEngine>> engines_;
};

// True for http:// and https:// addresses (fetched); anything else is a file path.
bool is_url(const std::string& source);

}  // namespace pitchreel::batch
