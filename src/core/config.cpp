#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

extern char** environ;

namespace pitchreel {
namespace {

using Setter = std::function<Status(ServiceConfig&, const std::string&)>;

struct Setting {
  SettingInfo info;
  Setter set;
};

// The setting's name and source are added by apply(); this says what was expected.
Error invalid_value(const std::string& /*name*/, const std::string& /*value*/, const std::string& want) {
  return Error::invalid("config_invalid", "expected " + want);
}

template <typename Int>
Setter integer(Int ServiceConfig::*field, Int min, Int max) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    Int parsed{};
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (ec != std::errc{} || end != v.data() + v.size() || parsed < min || parsed > max) {
      return fail(invalid_value("", v, fmt::format("a whole number from {} to {}", min, max)));
    }
    c.*field = parsed;
    return {};
  };
}

Setter megabytes(std::uint64_t ServiceConfig::*field, std::uint64_t min, std::uint64_t max) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    std::uint64_t mb = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mb);
    if (ec != std::errc{} || end != v.data() + v.size() || mb < min || mb > max) {
      return fail(invalid_value("", v, fmt::format("megabytes from {} to {}", min, max)));
    }
    c.*field = mb << 20;
    return {};
  };
}

Setter text(std::string ServiceConfig::*field) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    c.*field = v;
    return {};
  };
}

Setter one_of(std::string ServiceConfig::*field, std::vector<std::string> allowed) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : " or ") + a;
      return fail(invalid_value("", v, list));
    }
    c.*field = v;
    return {};
  };
}

Setter boolean(bool ServiceConfig::*field) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    if (v == "1" || v == "true" || v == "yes" || v == "on") {
      c.*field = true;
    } else if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) {
      c.*field = false;
    } else {
      return fail(invalid_value("", v, "true or false"));
    }
    return {};
  };
}

// A price: a non-negative decimal number ("0.9", "12"); empty leaves it unset.
Setter price(std::optional<double> ServiceConfig::*field) {
  return [=](ServiceConfig& c, const std::string& v) -> Status {
    if (v.empty()) {
      c.*field = std::nullopt;
      return {};
    }
    double parsed = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (ec != std::errc{} || end != v.data() + v.size() || !(parsed >= 0) || parsed > 1e9) {
      return fail(invalid_value("", v, "a price: a decimal number such as 2.5 (no currency sign)"));
    }
    c.*field = parsed;
    return {};
  };
}

const std::vector<Setting>& table() {
  static const std::vector<Setting> settings = {
      {{"PITCHREEL_LISTEN", {}, "HOST:PORT to listen on (also --listen)", "127.0.0.1:8080"},
       text(&ServiceConfig::listen)},
      {{"PITCHREEL_DATA_DIR", {}, "database, stored videos and keys live here (also --data-dir)", "./data"},
       [](ServiceConfig& c, const std::string& v) -> Status {
         c.data_dir = v;
         return {};
       }},
      {{"DATABASE_URL", {"PITCHREEL_DATABASE_URL"}, "PostgreSQL for jobs, queue and events (a libpq URI or conninfo; sslmode honoured); unset: SQLite in the data directory", "", true},
       text(&ServiceConfig::database_url)},
      {{"PITCHREEL_DB_SCHEMA", {}, "PostgreSQL schema holding pitchreel's tables (created when missing)", "pitchreel"},
       text(&ServiceConfig::db_schema)},
      {{"PITCHREEL_ROLE", {}, "what this process does: all (API and workers), api (never renders) or worker (renders; only /healthz, /readyz, /metrics) (also --role)", "all"},
       one_of(&ServiceConfig::role, {"all", "api", "worker"})},
      {{"PITCHREEL_SINGLE_NODE", {}, "with DATABASE_URL and STORAGE=local: confirms this is the only pitchreel process on the database (otherwise refused: other nodes could not read this disk)", "false"},
       boolean(&ServiceConfig::single_node)},
      {{"PITCHREEL_PUBLIC_URL", {}, "base URL clients reach the server at, used in video URLs", "http://<listen>"},
       text(&ServiceConfig::public_url)},
      {{"PITCHREEL_WORKERS", {}, "videos rendered at the same time", "1"},
       integer(&ServiceConfig::workers, 1, 64)},
      {{"PITCHREEL_QUEUE_LIMIT", {}, "queued jobs before new ones get 503 + Retry-After", "100"},
       integer(&ServiceConfig::queue_limit, 1, 100000)},
      {{"PITCHREEL_SEED_WAIT_S", {}, "how long POST /api/generate-video waits for the video before answering 202", "120"},
       integer(&ServiceConfig::seed_wait_s, 0, 3600)},
      {{"PITCHREEL_MAX_BODY_MB", {}, "largest request body, in MB (413 above)", "25"},
       megabytes(&ServiceConfig::max_body_bytes, 1, 1024)},
      {{"PITCHREEL_MAX_IMAGE_MEGAPIXELS", {}, "larger images are refused from their header (413)", "50"},
       integer(&ServiceConfig::max_image_megapixels, std::uint64_t{1}, std::uint64_t{1000})},
      {{"PITCHREEL_RATE_PER_USER_HOUR", {}, "videos one user may request per hour (429 above)", "10"},
       integer(&ServiceConfig::rate_per_user_hour, 0, 1000000)},
      {{"PITCHREEL_RATE_PER_ORG_DAY", {}, "videos one organisation may request per day (429 above)", "100"},
       integer(&ServiceConfig::rate_per_org_day, 0, 10000000)},
      {{"PITCHREEL_MAX_ATTEMPTS", {}, "tries per job on transient failures", "3"},
       integer(&ServiceConfig::max_attempts, 1, 20)},
      {{"PITCHREEL_LEASE_S", {}, "seconds a worker's claim on a job lasts without a heartbeat", "30"},
       integer(&ServiceConfig::lease_s, 5, 3600)},
      {{"PITCHREEL_URL_EXPIRY_S", {"S3_URL_EXPIRY_S"}, "lifetime of signed (local) and presigned (S3) video URLs", "3600"},
       integer(&ServiceConfig::url_expiry_s, 60, 604800)},
      {{"PITCHREEL_PUBLIC_FILES", {}, "local storage: permanent /public/... links to finished videos (public to whoever has the link, like a public bucket)", "false"},
       boolean(&ServiceConfig::public_files)},
      {{"PITCHREEL_SHUTDOWN_GRACE_S", {}, "on SIGTERM, how long running jobs may finish before they are requeued", "30"},
       integer(&ServiceConfig::shutdown_grace_s, 0, 3600)},
      {{"SUPABASE_JWT_SECRET", {"JWT_SECRET"}, "HS256 secret of your Supabase project (enables JWT sign-in)", "", true},
       text(&ServiceConfig::jwt_secret)},
      {{"JWKS_FILE", {}, "JWKS file with RS256/ES256 public keys for JWTs", ""},
       text(&ServiceConfig::jwks_file)},
      {{"JWKS_URL", {}, "JWKS URL with RS256/ES256 public keys for JWTs (refetched on rotation)", ""},
       text(&ServiceConfig::jwks_url)},
      {{"JWKS_REFRESH_S", {}, "how often JWKS_URL is fetched again (also at once for an unknown key id, at most every 30 s)", "600"},
       integer(&ServiceConfig::jwks_refresh_s, 10, 86400)},
      {{"JWT_AUDIENCE", {}, "required `aud` of JWTs", "authenticated"},
       text(&ServiceConfig::jwt_audience)},
      {{"AUTH_PROFILES_TABLE", {}, "with DATABASE_URL: resolve a JWT's sub through this table of your own, read in place (e.g. public.profiles; docs/scale-out.md)", ""},
       text(&ServiceConfig::auth_profiles_table)},
      {{"AUTH_PROFILES_ID_COLUMN", {}, "column of AUTH_PROFILES_TABLE holding the user id (the JWT's sub)", "id"},
       text(&ServiceConfig::auth_profiles_id_column)},
      {{"AUTH_PROFILES_ORG_COLUMN", {}, "column of AUTH_PROFILES_TABLE naming the user's organisation", "organization_id"},
       text(&ServiceConfig::auth_profiles_org_column)},
      {{"AUTH_PROFILES_ROLE_COLUMN", {}, "column of AUTH_PROFILES_TABLE holding the role (owner and admin may generate)", "role"},
       text(&ServiceConfig::auth_profiles_role_column)},
      {{"PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS", {}, "let imageUrl reach private/loopback addresses (only for trusted networks)", "false"},
       boolean(&ServiceConfig::allow_private_image_urls)},
      {{"PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS", {}, "let webhook endpoints use http and private/loopback addresses (only for trusted networks)", "false"},
       boolean(&ServiceConfig::allow_private_webhook_urls)},
      {{"PITCHREEL_WEBHOOK_TIMEOUT_S", {}, "longest a webhook delivery attempt may take, in seconds", "15"},
       integer(&ServiceConfig::webhook_timeout_s, 1, 60)},
      {{"PITCHREEL_WEBHOOK_RETENTION_DAYS", {}, "days delivered and given-up webhook events and their delivery log are kept (0: forever)", "30"},
       integer(&ServiceConfig::webhook_retention_days, 0, 3650)},
      {{"PITCHREEL_WEBHOOK_POLL_MS", {}, "how often the webhook dispatcher looks for retries coming due, in ms (new events wake it at once)", "5000"},
       integer(&ServiceConfig::webhook_poll_ms, 100, 600000)},
      {{"STORAGE", {"PITCHREEL_STORAGE"}, "where videos are stored: local (a folder in the data directory) or s3 (an S3-compatible bucket: R2, AWS S3, MinIO, ...)", "local"},
       [](ServiceConfig& c, const std::string& v) -> Status {
         if (v != "local" && v != "s3") return fail(invalid_value("", v, "local or s3"));
         c.storage = v;
         return {};
       }},
      {{"S3_ENDPOINT", {}, "S3 API endpoint, https://host[:port] (R2: derived from R2_ACCOUNT_ID)", ""},
       text(&ServiceConfig::s3_endpoint)},
      {{"R2_ACCOUNT_ID", {}, "Cloudflare account id: S3_ENDPOINT becomes https://<id>.r2.cloudflarestorage.com", ""},
       text(&ServiceConfig::r2_account_id)},
      {{"S3_REGION", {}, "signing region (auto for R2)", "auto"},
       text(&ServiceConfig::s3_region)},
      {{"S3_BUCKET", {"R2_BUCKET_NAME"}, "bucket the videos go to", ""},
       text(&ServiceConfig::s3_bucket)},
      {{"S3_ACCESS_KEY_ID", {"R2_ACCESS_KEY_ID"}, "access key id of the S3 API token", ""},
       text(&ServiceConfig::s3_access_key_id)},
      {{"S3_SECRET_ACCESS_KEY", {"R2_SECRET_ACCESS_KEY"}, "secret access key of the S3 API token", "", true},
       text(&ServiceConfig::s3_secret_access_key)},
      {{"S3_FORCE_PATH_STYLE", {}, "address the bucket as endpoint/bucket (true) or bucket.endpoint (false)", "true"},
       boolean(&ServiceConfig::s3_force_path_style)},
      {{"S3_PUBLIC_BASE_URL", {"NEXT_PUBLIC_R2_PUBLIC_URL"}, "public URL mode: video URLs are {this}/{key} instead of presigned URLs", ""},
       text(&ServiceConfig::s3_public_base_url)},
      {{"S3_PART_SIZE_MB", {}, "files larger than this go up as multipart uploads of parts this size", "8"},
       integer(&ServiceConfig::s3_part_size_mb, 5, 5120)},
      {{"S3_TIMEOUT_S", {}, "an S3 request that moves no byte for this long is abandoned and retried", "30"},
       integer(&ServiceConfig::s3_timeout_s, 1, 3600)},
      {{"PITCHREEL_X264_THREADING", {}, "lean (above 720p one x264 frame thread per core: a 1080p render stays under 300 MB on 2 cores) or full (x264's own threading: faster at 1080p, ~35 MB more a render)", "lean"},
       [](ServiceConfig& c, const std::string& v) -> Status {
         if (v != "lean" && v != "full") return fail(invalid_value("", v, "lean or full"));
         c.full_x264_threading = v == "full";
         return {};
       }},
      {{"PITCHREEL_LOG_LEVEL", {}, "trace, debug, info, warn, error", "info"},
       text(&ServiceConfig::log_level)},
      {{"PITCHREEL_LOG_FORMAT", {}, "text (logfmt) or json", "text"},
       text(&ServiceConfig::log_format)},
      {{"PITCHREEL_ENGINE", {}, "video engine of jobs that name none: cpu or hallo3", "cpu"},
       one_of(&ServiceConfig::default_engine, {"cpu", "hallo3"})},
      {{"HALLO3_URL", {}, "base URL of the Hallo3 GPU server (enables engine hallo3)", ""},
       text(&ServiceConfig::hallo3_url)},
      {{"HALLO3_PROTOCOL", {}, "seed (POST /generate, multipart) or async (submit + poll, base64 JSON)", "seed"},
       one_of(&ServiceConfig::hallo3_protocol, {"seed", "async"})},
      {{"HALLO3_API_KEY", {}, "bearer key for the Hallo3 server", "", true},
       text(&ServiceConfig::hallo3_api_key)},
      {{"HALLO3_TIMEOUT_S", {}, "longest a Hallo3 job may take, in seconds", "1200"},
       integer(&ServiceConfig::hallo3_timeout_s, 5, 86400)},
      {{"HALLO3_POLL_S", {}, "async protocol: seconds between status polls", "2"},
       integer(&ServiceConfig::hallo3_poll_s, 1, 600)},
      {{"HALLO3_IMAGE_PX", {}, "side of the square portrait sent to Hallo3", "512"},
       integer(&ServiceConfig::hallo3_image_px, 128, 2048)},
      {{"HALLO3_UNHEALTHY_AFTER", {}, "consecutive failures before Hallo3 is marked unhealthy", "3"},
       integer(&ServiceConfig::hallo3_unhealthy_after, 1, 100)},
      {{"HALLO3_PROBE_S", {}, "seconds before an unhealthy Hallo3 is tried again", "30"},
       integer(&ServiceConfig::hallo3_probe_s, 1, 3600)},
      {{"PITCHREEL_CONNECT_TIMEOUT_S", {}, "connect timeout of every remote backend, in seconds", "10"},
       integer(&ServiceConfig::connect_timeout_s, 1, 300)},
      {{"PITCHREEL_REMOTE_ATTEMPTS", {}, "tries per remote call on refused, reset, 502/503/504 or timeouts before an answer", "3"},
       integer(&ServiceConfig::remote_attempts, 1, 10)},
      {{"TTS_HTTP_URL", {}, "the seed's JSON speech endpoint (POST {text, voice} -> audio); enables http: voices", ""},
       text(&ServiceConfig::tts_http_url)},
      {{"TTS_HTTP_API_KEY", {}, "bearer key for TTS_HTTP_URL", "", true},
       text(&ServiceConfig::tts_http_api_key)},
      {{"TTS_HTTP_VOICES", {}, "comma-separated voices TTS_HTTP_URL offers", "en-US-AriaNeural"},
       text(&ServiceConfig::tts_http_voices)},
      {{"OPENAI_TTS_URL", {}, "OpenAI-compatible speech server (base URL or .../v1/audio/speech); enables openai: voices", ""},
       text(&ServiceConfig::openai_tts_url)},
      {{"OPENAI_TTS_API_KEY", {"OPENAI_API_KEY"}, "bearer key for OPENAI_TTS_URL", "", true},
       text(&ServiceConfig::openai_tts_api_key)},
      {{"OPENAI_TTS_MODEL", {}, "model field of /v1/audio/speech", "tts-1"},
       text(&ServiceConfig::openai_tts_model)},
      {{"OPENAI_TTS_VOICES", {}, "comma-separated voices OPENAI_TTS_URL offers", "alloy,echo,fable,onyx,nova,shimmer"},
       text(&ServiceConfig::openai_tts_voices)},
      {{"TTS_TIMEOUT_S", {}, "longest one remote synthesis may take, in seconds", "60"},
       integer(&ServiceConfig::tts_timeout_s, 1, 3600)},
      {{"EDGE_TTS", {}, "on or off: Microsoft Edge's neural voices (edge:<ShortName>), which need internet access", "on"},
       boolean(&ServiceConfig::edge_tts)},
      {{"EDGE_TTS_URL", {}, "base of the Edge read-aloud service (wss://...), for a proxy or a test server; empty = the service itself", ""},
       text(&ServiceConfig::edge_tts_url)},
      {{"EDGE_TTS_CA_FILE", {}, "PEM file of the CA that signed EDGE_TTS_URL's certificate, when it is not a public one", ""},
       text(&ServiceConfig::edge_tts_ca_file)},
      {{"EDGE_TTS_VOICES_TTL_S", {}, "seconds the Edge voice list is kept in the data directory before it is fetched again", "86400"},
       integer(&ServiceConfig::edge_tts_voices_ttl_s, 0, 31536000)},
      {{"PITCHREEL_TTS_FALLBACK", {}, "espeak: when a remote voice fails, speak with the offline voice of the same language and say so in the job's warnings; empty = fail the job", ""},
       [](ServiceConfig& c, const std::string& v) -> Status {
         if (v.empty() || v == "none") {
           c.tts_fallback.clear();
         } else if (v == "espeak") {
           c.tts_fallback = v;
         } else {
           return fail(invalid_value("", v, "espeak, or empty for none"));
         }
         return {};
       }},
      {{"PITCHREEL_DEFAULT_VOICE", {}, "voice of jobs that name none (an edge: voice makes scripts in other languages use an Edge voice of that language)", "en-us"},
       text(&ServiceConfig::default_voice)},
      // The HTTP engine's own limits, enforced below the routes (docs/http.md).
      {{"PITCHREEL_HTTP_HEADER_TIMEOUT_S", {}, "seconds a client has to send a request's headers (idle keep-alive connections close after it too)", "10"},
       integer(&ServiceConfig::http_header_timeout_s, 1, 3600)},
      {{"PITCHREEL_HTTP_BODY_TIMEOUT_S", {}, "seconds a client has to send a request's body", "120"},
       integer(&ServiceConfig::http_body_timeout_s, 1, 3600)},
      {{"PITCHREEL_HTTP_MAX_HEADER_KB", {}, "largest header block (request line and fields) in KiB; 431 beyond", "64"},
       integer(&ServiceConfig::http_max_header_kb, 1, 1024)},
      {{"PITCHREEL_HTTP_MAX_HEADER_LINE_KB", {}, "longest request line or header field in KiB; 414/431 beyond", "8"},
       integer(&ServiceConfig::http_max_header_line_kb, 1, 1024)},
      {{"PITCHREEL_HTTP_MAX_HEADERS", {}, "most header fields in one request; 431 beyond", "100"},
       integer(&ServiceConfig::http_max_headers, 1, 10000)},
      {{"PITCHREEL_HTTP_MAX_CONNECTIONS", {}, "open connections in all (event streams included); 503 beyond", "20000"},
       integer(&ServiceConfig::http_max_connections, 1, 1000000)},
      {{"PITCHREEL_HTTP_MAX_CONNECTIONS_PER_CLIENT", {}, "open connections from one client IP address; 503 beyond", "256"},
       integer(&ServiceConfig::http_max_connections_per_client, 1, 1000000)},
      {{"PITCHREEL_HTTP_HANDLER_THREADS", {}, "threads serving connections and running request handlers (idle connections and event streams use none)", "32"},
       integer(&ServiceConfig::http_handler_threads, 1, 1024)},
      {{"PITCHREEL_HTTP_STREAM_RECHECK_S", {}, "seconds between an open event stream's credential checks (a revoked key or deleted user ends its streams)", "3"},
       integer(&ServiceConfig::http_stream_recheck_s, 1, 3600)},
      {{"PITCHREEL_OPERATOR_TOKEN", {}, "operators' bearer token for /readyz?deep=1 and organisation-labelled /metrics series (empty: both off)", "", true},
       text(&ServiceConfig::operator_token)},
      {{"PRICE_GPU_HOUR", {"PITCHREEL_PRICE_GPU_HOUR"}, "price of one GPU hour, for usage's estimated cost (unset: GPU cost left out)", ""},
       price(&ServiceConfig::price_gpu_hour)},
      {{"PRICE_CPU_HOUR", {"PITCHREEL_PRICE_CPU_HOUR"}, "price of one hour of render CPU time, for usage's estimated cost (unset: left out)", ""},
       price(&ServiceConfig::price_cpu_hour)},
      {{"PRICE_STORAGE_GB_MONTH", {"PITCHREEL_PRICE_STORAGE_GB_MONTH"}, "price of storing one GB (10^9 bytes) for a month, for usage's estimated cost (unset: left out)", ""},
       price(&ServiceConfig::price_storage_gb_month)},
  };
  return settings;
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

Status apply(ServiceConfig& config, const std::map<std::string, std::string>& values,
             const std::string& source) {
  for (const auto& setting : table()) {
    std::vector<std::string> names = {setting.info.name};
    names.insert(names.end(), setting.info.aliases.begin(), setting.info.aliases.end());
    for (const auto& name : names) {
      auto it = values.find(name);
      if (it == values.end()) continue;
      if (auto s = setting.set(config, it->second); !s) {
        const std::string shown = setting.info.secret ? "(hidden)" : it->second;
        return fail(Error::invalid(
            "config_invalid", fmt::format("{} in {}: {}={} is not valid ({}). Fix it and start again.", name,
                                          source, name, shown, s.error().message)));
      }
      break;  // the main name wins over its aliases
    }
  }
  return {};
}

Result<std::map<std::string, std::string>> read_env_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return fail(Error::invalid("config_invalid", "Cannot read the config file " + path.string() + "."));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_env_file(ss.str(), path.string());
}

}  // namespace

const std::vector<SettingInfo>& service_settings() {
  static const std::vector<SettingInfo> infos = [] {
    std::vector<SettingInfo> out;
    for (const auto& s : table()) out.push_back(s.info);
    return out;
  }();
  return infos;
}

Result<std::map<std::string, std::string>> parse_env_file(const std::string& text,
                                                          const std::string& source_name) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(Error::invalid("config_invalid",
                                 fmt::format("{} line {}: expected KEY=VALUE.", source_name, number)));
    }
    out[trim(line.substr(0, eq))] = unquote(trim(line.substr(eq + 1)));
  }
  return out;
}

Result<ServiceConfig> load_service_config(const std::map<std::string, std::string>& environment,
                                          const std::filesystem::path& config_file,
                                          const std::filesystem::path& dotenv_file) {
  ServiceConfig config;
  if (!config_file.empty()) {
    auto values = read_env_file(config_file);
    if (!values) return fail(values.error());
    if (auto s = apply(config, *values, config_file.string()); !s) return fail(s.error());
  }
  std::error_code ec;
  if (!dotenv_file.empty() && std::filesystem::exists(dotenv_file, ec)) {
    auto values = read_env_file(dotenv_file);
    if (!values) return fail(values.error());
    if (auto s = apply(config, *values, dotenv_file.string()); !s) return fail(s.error());
  }
  if (auto s = apply(config, environment, "the environment"); !s) return fail(s.error());
  return config;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) out[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return out;
}

}  // namespace pitchreel
