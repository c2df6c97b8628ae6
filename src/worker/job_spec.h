// JobSpec: what a queued job will render, as validated by the API and stored with the
// job (JSON in the jobs table), so a worker on any node, after any restart, renders
// exactly what was accepted.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/output_format.h"
#include "core/status.h"
#include "worker/generate.h"

namespace pitchreel {

struct JobSpec {
  // The accepted upload: a file under the data directory (local storage), or, with
  // STORAGE=s3, image_key names the object ({org}/inputs/{job id}/image) that the worker
  // downloads into its work dir; kept until the job ends. Exactly one of the two is set.
  std::string image_path;
  std::string image_key;
  std::optional<std::string> script;
  std::string product_name;
  std::string product_description;
  std::string product_id;
  std::string voice;  // empty: a voice of the script's language (TtsEngine::default_voice)
  std::string aspect = "16:9";
  int height = 1080;
  bool captions = true;
  bool title = false;
  std::string engine;        // "cpu" or "hallo3"; empty = the server's PITCHREEL_ENGINE
  bool passthrough = false;  // hallo3: keep the GPU's video untouched
  std::string avatar_path;  // the presenter's portrait upload ("" = no presenter)
  std::string avatar_key;   // ... or its object ({org}/inputs/{job id}/avatar) with STORAGE=s3
  std::string layout;       // presenter, split, pip, showcase ("" = the default for the avatar)
  // Background music under the narration: the upload (or fetched musicUrl), kept like the
  // image until the job ends ("" = none) ...
  std::string music_path;
  std::string music_key;  // ... or its object ({org}/inputs/{job id}/music) with STORAGE=s3
  // Batch items name their photos by address and the worker fetches them when the job
  // runs (so a batch is accepted without 1,000 downloads, and a failed fetch fails only
  // its item); image_path / avatar_path are then the fetched files in the job's work dir.
  std::string image_url;
  std::string avatar_url;
  std::string music_url;
};

nlohmann::json to_json(const JobSpec& spec);
Result<JobSpec> job_spec_from_json(const std::string& text);

// The video's shape and size the spec asks for; "invalid_aspect" / "invalid_height".
Result<OutputFormat> output_format(const JobSpec& spec);

// The pipeline request for a spec, writing to `output` (an .mp4 path).
Result<GenerateRequest> to_generate_request(const JobSpec& spec,
                                            const std::filesystem::path& output);

}  // namespace pitchreel
