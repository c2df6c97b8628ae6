// Service configuration: every setting has one name (plus the seed's names as aliases),
// a default, and a sentence of help, kept in one table that loading, `serve --help` and
// docs/configuration.md all read.
//
// Sources, later ones winning: built-in defaults, a config file (KEY=VALUE lines,
// --config or PITCHREEL_CONFIG), a `.env` file in the working directory (the seed kept
// its settings in one), the process environment, then command-line flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace pitchreel {

struct ServiceConfig {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data_dir = "./data";
  // PostgreSQL for state, queue and events when set (a libpq URI or conninfo); empty: the
  // SQLite file in data_dir. db_schema holds every pitchreel table (scale-out, docs/scale-out.md).
  std::string database_url;
  std::string db_schema = "pitchreel";
  // What this process does: "all" (API + workers), "api" (never renders) or "worker" (renders;
  // answers only /healthz, /readyz and /metrics).
  std::string role = "all";
  // PostgreSQL with local storage is refused unless the operator states this is the only node.
  bool single_node = false;
  std::string public_url;  // base of absolute URLs in answers; default http://<listen>
  int workers = 1;         // concurrent renders
  int queue_limit = 100;   // queued jobs before 503
  int seed_wait_s = 120;   // how long /api/generate-video waits before answering 202
  std::uint64_t max_body_bytes = 25ull << 20;
  std::uint64_t max_image_megapixels = 50;
  int rate_per_user_hour = 10;  // the seed's recommendation
  int rate_per_org_day = 100;
  int max_attempts = 3;       // tries per job before it fails
  int lease_s = 30;           // a worker's claim on a job, renewed by heartbeats
  int url_expiry_s = 3600;    // signed file URLs
  bool public_files = false;  // local storage: permanent /public/{key} links to finished videos
  int shutdown_grace_s = 30;  // SIGTERM: how long running jobs may finish
  std::string jwt_secret;     // HS256 (Supabase project JWT secret)
  std::string jwks_file;      // RS256/ES256 keys
  std::string jwks_url;
  int jwks_refresh_s = 600;        // JWKS_URL is fetched again this often
  std::string jwt_audience = "authenticated";
  // PostgreSQL only: JWT subjects resolve through the shop's own profiles table, read in
  // place (e.g. Supabase's public.profiles); empty: through pitchreel's users table.
  std::string auth_profiles_table;
  std::string auth_profiles_id_column = "id";
  std::string auth_profiles_org_column = "organization_id";
  std::string auth_profiles_role_column = "role";
  bool allow_private_image_urls = false;
  // Webhooks (docs/webhooks.md): endpoints on private/loopback addresses (and plain http)
  // only when the operator allows them; how long one delivery attempt may take.
  bool allow_private_webhook_urls = false;
  int webhook_timeout_s = 15;
  // Delivered and given-up events (with their delivery log) are deleted after this many
  // days; 0 keeps them forever. Events still to be delivered are never deleted.
  int webhook_retention_days = 30;
  // The dispatcher wakes when an event is appended; this poll only catches retries that
  // come due.
  int webhook_poll_ms = 5000;
  // Object storage (issue 5): "local" (a folder under data_dir) or "s3".
  std::string storage = "local";
  std::string s3_endpoint;    // https://host[:port]; from r2_account_id when empty
  std::string r2_account_id;  // Cloudflare account: https://<id>.r2.cloudflarestorage.com
  std::string s3_region = "auto";
  std::string s3_bucket;
  std::string s3_access_key_id;
  std::string s3_secret_access_key;
  bool s3_force_path_style = true;
  std::string s3_public_base_url;  // public URL mode when set
  int s3_part_size_mb = 8;         // multipart part size
  int s3_timeout_s = 30;           // a request that moves no byte this long is retried
  // x264's own threading above 720p too: faster, ~35 MB more a 1080p render
  // (PITCHREEL_X264_THREADING=full; EncoderSettings::full_x264_threading).
  bool full_x264_threading = false;
  std::string log_level = "info";
  std::string log_format = "text";  // or json

  // Remote backends (issue 7); each is used only when its URL is set.
  std::string default_engine = "cpu";  // engine of jobs that name none: cpu or hallo3
  std::string hallo3_url;
  std::string hallo3_protocol = "seed";  // seed (POST /generate) or async (submit + poll)
  std::string hallo3_api_key;
  int hallo3_timeout_s = 1200;  // whole GPU job; the seed's 2 minutes were too short
  int hallo3_poll_s = 2;        // async: seconds between status polls
  int hallo3_image_px = 512;    // side of the square portrait sent to the model
  int hallo3_unhealthy_after = 3;  // consecutive failures before the backend is unhealthy
  int hallo3_probe_s = 30;         // an unhealthy backend is tried again after this
  int connect_timeout_s = 10;      // every remote backend
  int remote_attempts = 3;         // tries per remote call for retryable failures
  std::string tts_http_url;
  std::string tts_http_api_key;
  std::string tts_http_voices = "en-US-AriaNeural";
  std::string openai_tts_url;
  std::string openai_tts_api_key;
  std::string openai_tts_model = "tts-1";
  std::string openai_tts_voices = "alloy,echo,fable,onyx,nova,shimmer";
  int tts_timeout_s = 60;
  // Edge neural voices ("edge:en-US-AriaNeural"), on by default; docs/voices.md.
  bool edge_tts = true;
  std::string edge_tts_url;      // empty = the service itself
  std::string edge_tts_ca_file;  // extra trust anchors for EDGE_TTS_URL (a proxy, tests)
  int edge_tts_voices_ttl_s = 86400;
  std::string tts_fallback;                // "" or "espeak": remote voice failures fall back
  std::string default_voice = "en-us";     // voice of jobs that name none

  // The HTTP engine's own limits (src/http/limits.h, docs/http.md).
  int http_header_timeout_s = 10;
  int http_body_timeout_s = 120;
  int http_max_header_kb = 64;
  int http_max_header_line_kb = 8;
  int http_max_headers = 100;
  int http_max_connections = 20000;
  int http_max_connections_per_client = 256;
  int http_handler_threads = 32;
  // How often an open event stream re-checks its credential (a revoked key ends it).
  int http_stream_recheck_s = 3;
  // Operators' bearer token for /readyz?deep=1 and organisation-labelled metrics; empty:
  // those stay off.
  std::string operator_token;

  // Operator prices for usage's estimated cost (docs/usage.md); unset: that cost is left
  // out of answers, never shown as zero. Any currency, the same for all three.
  std::optional<double> price_gpu_hour;
  std::optional<double> price_cpu_hour;
  std::optional<double> price_storage_gb_month;
};

struct SettingInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string help;
  std::string default_value;
  bool secret = false;  // never printed
};

// The table of settings, in the order they are documented.
const std::vector<SettingInfo>& service_settings();

// Parses KEY=VALUE lines (comments with #, optional "export ", single or double quotes).
Result<std::map<std::string, std::string>> parse_env_file(const std::string& text,
                                                          const std::string& source_name);

// Builds the configuration from the sources above; `environment` is the process
// environment as a map (passed in so tests control it). Errors name the setting and
// the source: "config_invalid".
Result<ServiceConfig> load_service_config(const std::map<std::string, std::string>& environment,
                                          const std::filesystem::path& config_file,
                                          const std::filesystem::path& dotenv_file);

std::map<std::string, std::string> process_environment();

}  // namespace pitchreel
