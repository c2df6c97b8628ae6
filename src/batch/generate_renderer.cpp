#include "batch/generate_renderer.h"

#include <fstream>

#include <fmt/format.h>

#include "engines/engine_factory.h"
#include "fetch/url_fetcher.h"
#include "worker/generate.h"

namespace pitchreel::batch {
namespace {

// Removes the files an item fetched, whatever becomes of the item.
struct FetchedFiles {
  std::vector<std::filesystem::path> paths;
  ~FetchedFiles() {
    for (const auto& p : paths) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  }
};

}  // namespace

bool is_url(const std::string& source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

GenerateRenderer::GenerateRenderer(GenerateSettings settings)
    : settings_(std::move(settings)), voices_(make_voice_registry(settings_.config)) {}

Result<std::filesystem::path> GenerateRenderer::local_file(const std::string& source,
                                                           const std::filesystem::path& fetched) {
  if (!is_url(source)) {
    const std::filesystem::path path(source);
    return path.is_absolute() ? path : settings_.base_dir / path;
  }
  FetchLimits limits;
  limits.allow_private_addresses = settings_.config.allow_private_image_urls;
  auto body = fetch_url(source, limits);
  if (!body) return fail(body.error());
  std::ofstream out(fetched, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(body->body.data()),
            static_cast<std::streamsize>(body->body.size()));
  if (!out.flush()) {
    return fail(Error::internal("output_not_writable",
                                fmt::format("Cannot write {}: is the disk full?",
                                            fetched.string())));
  }
  return fetched;
}

Result<VideoEngine*> GenerateRenderer::engine(const std::string& name) {
  std::string chosen = name.empty() ? settings_.default_engine : name;
  if (chosen.empty()) chosen = settings_.config.default_engine;
  auto& slot = engines_[chosen];
  if (!slot) {
    auto made = make_video_engine(chosen, settings_.config);
    if (!made) return fail(made.error());
    slot = std::move(*made);
  }
  return slot.get();
}

Result<RenderedItem> GenerateRenderer::render(const BatchItem& item,
                                              const std::filesystem::path& output,
                                              ProgressSink& progress) {
  auto video_engine = engine(item.engine);
  if (!video_engine) return fail(video_engine.error());
  FetchedFiles fetched;
  const auto scratch = [&](const char* what) {
    auto p = output;
    p.replace_filename("." + output.stem().string() + "-" + what);
    fetched.paths.push_back(p);
    return p;
  };
  GenerateRequest r;
  auto image = local_file(item.image_url, scratch("image"));
  if (!image) return fail(image.error());
  r.image = *image;
  if (!item.avatar_url.empty()) {
    auto avatar = local_file(item.avatar_url, scratch("avatar"));
    if (!avatar) return fail(avatar.error());
    r.avatar = *avatar;
  }
  r.script = item.script;
  r.product_name = item.product_name;
  r.description = item.product_description;
  r.title = item.title;
  if (!item.voice.empty()) r.speech.voice = item.voice;
  r.format = item.format;
  r.captions = item.captions;
  r.layout = item.layout;
  r.preset = settings_.preset;
  r.crf = settings_.crf;
  r.full_x264_threading = settings_.config.full_x264_threading;
  r.image_limits = settings_.image_limits;
  r.output = output;
  auto made = generate_video(r, *voices_, **video_engine, progress);
  if (!made) return fail(made.error());
  return RenderedItem{made->video, made->poster, made->vtt, made->srt, made->duration};
}

}  // namespace pitchreel::batch
