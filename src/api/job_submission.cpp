#include "api/job_submission.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "api/job_fields.h"
#include "api/job_inputs.h"
#include "core/output_format.h"
#include "db/clock.h"
#include "db/ids.h"
#include "fetch/url_fetcher.h"
#include "media/audio_decode.h"
#include "media/image.h"
#include "presenter/face_detector.h"
#include "render/frame_layout.h"
#include "storage/object_keys.h"
#include "engines/engine_factory.h"
#include "tts/voice_registry.h"
#include "tts/script_text.h"
#include "worker/job_spec.h"

namespace pitchreel::api {
namespace {

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes" || v == "on"; }

// Plain ids are espeak voices; "openai:alloy" and "http:..." need their service configured.
Status check_voice(const ServiceContext& ctx, const std::string& voice) {
  return make_voice_registry(ctx.config)->check_voice(voice);
}

Result<std::vector<std::uint8_t>> fetch_bytes(const ServiceContext& ctx, const std::string& url,
                                              std::string what = "image") {
  FetchLimits limits;
  limits.what = std::move(what);
  limits.max_bytes = ctx.config.max_body_bytes;
  limits.allow_private_addresses = ctx.config.allow_private_image_urls;
  auto fetched = fetch_url(url, limits);
  if (!fetched) return fail(fetched.error());
  return std::move(fetched->body);
}

Result<std::vector<std::uint8_t>> image_bytes(const ServiceContext& ctx, const JobFields& f) {
  if (f.image) return std::vector<std::uint8_t>(f.image->content.begin(), f.image->content.end());
  const auto url = f.get("imageUrl");
  if (!url || url->empty()) {
    return fail(Error::invalid("image_missing",
                               "Add the product photo: an `image` file (multipart), `image` as base64 or a data: URL "
                               "(JSON), or an `imageUrl`."));
  }
  return fetch_bytes(ctx, *url);
}

// The presenter's portrait, when the request has one (an `avatar` file or `avatarUrl`).
Result<std::optional<std::vector<std::uint8_t>>> avatar_bytes(const ServiceContext& ctx,
                                                              const JobFields& f) {
  if (f.avatar) {
    return std::vector<std::uint8_t>(f.avatar->content.begin(), f.avatar->content.end());
  }
  const auto url = f.get("avatarUrl");
  if (!url || url->empty()) return std::nullopt;
  auto bytes = fetch_bytes(ctx, *url);
  if (!bytes) return fail(bytes.error());
  return std::move(*bytes);
}

// Background music, when the request has some (a `music` file or `musicUrl`).
Result<std::optional<std::vector<std::uint8_t>>> music_bytes(const ServiceContext& ctx,
                                                             const JobFields& f) {
  if (f.music) {
    return std::vector<std::uint8_t>(f.music->content.begin(), f.music->content.end());
  }
  const auto url = f.get("musicUrl");
  if (!url || url->empty()) return std::nullopt;
  auto bytes = fetch_bytes(ctx, *url, "music");
  if (!bytes) return fail(bytes.error());
  return std::move(*bytes);
}

// Music is looped under the whole video, so a long track buys nothing; this bounds the
// work (and memory) of checking it at submission.
constexpr double kMaxMusicSeconds = 600;

// The music must decode now, so that a file that is not audio is refused at once rather
// than failing the job in the queue. Decoded at a low rate: only its validity is wanted.
Status check_music(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  AudioDecodeOptions options;
  options.target_rate = 8000;
  options.max_seconds = kMaxMusicSeconds;
  auto decoded = decode_audio(bytes, name, options);
  if (decoded) return {};
  const std::string& code = decoded.error().code;
  if (code == "audio_too_long") {
    return fail(Error::invalid(
        "music_too_long", fmt::format("The music {} is longer than {:.0f} minutes. It is looped "
                                      "under the video anyway: send a shorter track.",
                                      name, kMaxMusicSeconds / 60)));
  }
  if (code == "audio_empty") {
    return fail(Error::invalid("music_empty",
                               fmt::format("The music {} holds no sound. Send an MP3, AAC, Ogg, "
                                           "FLAC or WAV file with music in it, or leave `music` "
                                           "out.",
                                           name)));
  }
  if (code == "audio_unreadable") {
    return fail(Error::invalid(
        "music_unreadable",
        fmt::format("The music {} is not audio pitchreel can decode. Send MP3, AAC, Ogg, Opus, "
                    "FLAC or WAV, or leave `music` out.",
                    name)));
  }
  return fail(decoded.error());
}

Result<JobSpec> build_spec(const ServiceContext& ctx, const JobFields& f) {
  JobSpec spec;
  if (auto script = f.get("script"); script && !script->empty()) {
    auto normalized = normalize_script(*script);
    if (!normalized) return fail(normalized.error());
    if (auto s = check_script_length(*normalized); !s) return fail(s.error());
    spec.script = *normalized;
  }
  spec.product_name = f.get("productName").value_or("");
  spec.product_description = f.get("productDescription").value_or("");
  if (!spec.script && spec.product_name.empty()) {
    return fail(Error::invalid("script_missing",
                               "Send a `script` (at most " + std::to_string(kMaxScriptChars) +
                                   " characters), or a `productName` (with "
                               "`productDescription`) to get a suggested one."));
  }
  if (auto id = f.get("productId"); id && !id->empty()) {
    auto valid = validate_product_id(*id);
    if (!valid) return fail(valid.error());
    spec.product_id = *valid;
  }
  // No voice: the worker picks one that speaks the script's language.
  spec.voice = f.get("voice").value_or("");
  if (!spec.voice.empty()) {
    if (auto s = check_voice(ctx, spec.voice); !s) return fail(s.error());
  }
  spec.engine = f.get("engine").value_or("");
  if (!spec.engine.empty()) {
    if (auto s = check_engine(spec.engine, ctx.config); !s) return fail(s.error());
  } else if (auto s = check_engine(ctx.config.default_engine, ctx.config); !s) {
    return fail(s.error());
  }
  spec.passthrough = f.get("passthrough") && truthy(*f.get("passthrough"));
  spec.aspect = f.get("aspect").value_or("16:9");
  if (auto a = parse_aspect(spec.aspect); !a) return fail(a.error());
  const auto height = f.get("height").value_or("1080");
  spec.height = height == "720" ? 720 : height == "1080" ? 1080 : -1;
  if (auto s = check_height(spec.height); !s)
    return fail(Error::invalid("invalid_height", "height must be 720 or 1080."));
  spec.captions = !f.get("captions") || truthy(*f.get("captions"));
  spec.title = f.get("title") && truthy(*f.get("title"));
  if (auto layout = f.get("layout"); layout && !layout->empty()) {
    if (auto l = parse_layout(*layout); !l) return fail(l.error());
    spec.layout = *layout;
    const bool has_avatar = f.avatar || (f.get("avatarUrl") && !f.get("avatarUrl")->empty());
    if (*layout != "showcase" && !has_avatar) {
      return fail(Error::invalid("avatar_missing",
                                 "The " + *layout +
                                     " layout shows a presenter: add an `avatar` "
                                     "file or an `avatarUrl`, or use the showcase layout."));
    }
  }
  return spec;
}

}  // namespace

Result<Submission> submit_job(ServiceContext& ctx, const Principal& principal,
                              const http::Request& req) {
  // A replay of an accepted request (a client retrying after a timeout) gets its job back
  // before any check or upload: limits never refuse it and nothing is stored twice.
  const auto idempotency_key = req.get_header_value("Idempotency-Key");
  if (!idempotency_key.empty()) {
    auto existing = ctx.db->jobs().find_by_idempotency_key(principal.user_id, idempotency_key);
    if (!existing) return fail(existing.error());
    if (*existing) return Submission{**existing, false};
  }
  // Cheap checks first: a caller over a rate limit, or a full queue, is refused before the
  // upload is read, fetched, decoded, face-checked or stored (create() checks again
  // atomically below; this only spares the work).
  const db::jobs::Admission admission{ctx.config.rate_per_user_hour, ctx.config.rate_per_org_day,
                                      ctx.config.queue_limit};
  {
    db::jobs::NewJob probe;
    probe.organization_id = principal.organization_id;
    probe.user_id = principal.user_id;
    probe.admission = admission;
    if (auto s = ctx.db->jobs().check_admission(probe, db::unix_now()); !s) return fail(s.error());
  }
  auto fields = read_job_fields(req);
  if (!fields) return fail(fields.error());
  auto spec = build_spec(ctx, *fields);
  if (!spec) return fail(spec.error());

  auto bytes = image_bytes(ctx, *fields);
  if (!bytes) return fail(bytes.error());
  const std::string name = fields->image ? fields->image->filename : "imageUrl";
  ImageLoadOptions options;
  options.limits.max_pixels = ctx.config.max_image_megapixels * 1'000'000;
  // Decoded as the render will decode it: the same errors, and a phone's JPEG checked in a
  // quarter of the memory and about half the time (every one of its blocks is still read).
  auto format = output_format(*spec);
  if (!format) return fail(format.error());
  ImageLoadOptions photo_options = options;
  photo_options.drawn_side = format->longer_px();
  if (auto decoded = load_image(*bytes, name, photo_options); !decoded) {
    return fail(decoded.error());
  }

  // The presenter's portrait is checked now, face included, so that a photo without a
  // face is refused at once rather than failing in the queue.
  auto avatar = avatar_bytes(ctx, *fields);
  if (!avatar) return fail(avatar.error());
  if (*avatar) {
    const std::string avatar_name = fields->avatar ? fields->avatar->filename : "avatarUrl";
    auto portrait = load_image(**avatar, avatar_name, options);
    if (!portrait) return fail(portrait.error());
    if (auto face = detect_face(*portrait, avatar_name); !face) return fail(face.error());
  }
  auto music = music_bytes(ctx, *fields);
  if (!music) return fail(music.error());
  if (*music) {
    const std::string music_name = fields->music ? fields->music->filename : "from musicUrl";
    if (auto s = check_music(**music, music_name); !s) return fail(s.error());
  }

  // Stored under the id the job will get; kept only once its row exists (job_inputs.h).
  db::jobs::NewJob job;
  job.id = db::new_uuid();
  SubmissionInputs inputs(ctx, principal.organization_id, job.id);
  if (auto s = inputs.keep_image(*bytes, *spec); !s) return fail(s.error());
  if (*avatar) {
    if (auto s = inputs.keep_avatar(**avatar, *spec); !s) return fail(s.error());
  }
  if (*music) {
    if (auto s = inputs.keep_music(**music, *spec); !s) return fail(s.error());
  }

  job.organization_id = principal.organization_id;
  job.user_id = principal.user_id;
  job.request = to_json(*spec).dump();
  job.product_id = spec->product_id;
  job.idempotency_key = idempotency_key;
  job.max_attempts = ctx.config.max_attempts;
  // Checked inside the insert's transaction, so concurrent requests cannot overshoot.
  job.admission = admission;
  auto created = ctx.db->jobs().create(job, db::unix_now());
  if (created && created->created) inputs.commit();
  // The database went away during the insert: it may have committed without our hearing
  // it, so the inputs stay; if no row appears, the input sweep removes them later.
  if (!created && created.error().code == "database_unavailable") inputs.commit();
  if (!created) return fail(created.error());  // admission errors carry their Retry-After
  if (created->created) {
    // Logged before the wake-up, so the log's queued -> started interval is the real wait.
    spdlog::info("job queued job_id={} org={} user={}", created->job.id, principal.organization_id,
                 principal.user_id);
    ctx.work_available->notify();
  }
  return Submission{created->job, created->created};
}

}  // namespace pitchreel::api
