#include "tts/edge_voice_list.h"

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "fetch/http_call.h"
#include "tts/edge_protocol.h"
#include "tts/edge_token.h"

namespace pitchreel::edge {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return s;
}

Voice make_voice(const std::string& short_name, const std::string& gender,
                 const std::string& display) {
  Voice v;
  v.id = short_name;
  const auto parsed = parse_voice_name(short_name);
  v.locale = parsed ? parsed->locale : "";
  v.language = parsed ? parsed->language : "";
  v.gender = gender == "female" || gender == "male" ? gender : "unknown";
  v.name = display;
  return v;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Written beside the target and renamed over it, so a reader never sees half a file.
void write_cache(const fs::path& path, const std::string& json) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path temp = path.string() + fmt::format(".{}.tmp", random_hex_id());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out) {
      spdlog::warn("edge voice list not cached path={}", path.string());
      fs::remove(temp, ec);
      return;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    spdlog::warn("edge voice list not cached path={} error=\"{}\"", path.string(), ec.message());
    fs::remove(temp, ec);
  }
}

std::optional<std::vector<Voice>> read_cache(const fs::path& path) {
  if (path.empty()) return std::nullopt;
  const auto text = read_file(path);
  if (!text) return std::nullopt;
  auto voices = parse_voice_list(*text);
  if (!voices || voices->empty()) return std::nullopt;
  return std::move(*voices);
}

bool fresh(const fs::path& path, int ttl_s) {
  std::error_code ec;
  const auto written = fs::last_write_time(path, ec);
  if (ec) return false;
  return fs::file_time_type::clock::now() - written < std::chrono::seconds(ttl_s);
}

Result<std::string> fetch_list(const EdgeSettings& settings) {
  fetch::CallRequest request;
  request.url = fmt::format("{}?trustedclienttoken={}&Sec-MS-GEC={}&Sec-MS-GEC-Version={}",
                            settings.voice_list_url(), kTrustedClientToken,
                            sec_ms_gec(settings.now()), sec_ms_gec_version());
  request.headers = {
      "Accept: */*",
      fmt::format("User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/{}.0.0.0 Safari/537.36 Edg/{}.0.0.0",
                  kChromiumMajorVersion, kChromiumMajorVersion),
      "Accept-Language: en-US,en;q=0.9",
      "Authority: speech.platform.bing.com",
  };
  request.ca_file = settings.ca_file;
  request.connect_timeout = std::chrono::seconds(std::min(settings.connect_timeout_s, 5));
  request.total_timeout = std::chrono::seconds(std::min(settings.timeout_s, 15));
  request.max_bytes = 8ull << 20;
  auto answer = fetch::http_call(request);
  if (!answer) {
    return fail(Error::unavailable("tts_unavailable",
                                   fmt::format("{} ({})", to_string(answer.error().kind),
                                               answer.error().detail)));
  }
  if (answer->status != 200) {
    return fail(Error::unavailable("tts_unavailable", fmt::format("HTTP {}", answer->status)));
  }
  return std::string(answer->body.begin(), answer->body.end());
}

// A failed fetch is not repeated for a minute: `voices` and the API answer at once from
// the cache instead of waiting on a network that just failed.
struct FailureMemo {
  std::mutex mutex;
  std::map<std::string, std::chrono::steady_clock::time_point> failed_at;
};
FailureMemo& failures() {
  static FailureMemo memo;
  return memo;
}

}  // namespace

Result<std::vector<Voice>> parse_voice_list(std::string_view json) {
  const auto list = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) {
    return fail(Error::unavailable("edge_protocol_error",
                                   "The Edge voice list is not a JSON array of voices."));
  }
  std::vector<Voice> voices;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("ShortName") || !item["ShortName"].is_string())
      continue;
    const std::string short_name = item["ShortName"].get<std::string>();
    if (!parse_voice_name(short_name)) continue;
    const auto text = [&](const char* key) {
      return item.contains(key) && item[key].is_string() ? item[key].get<std::string>() : "";
    };
    std::string display = text("FriendlyName");
    if (display.empty()) display = text("LocalName");
    if (display.empty()) display = short_name;
    Voice v = make_voice(short_name, lower(text("Gender")), display);
    if (const std::string locale = text("Locale"); !locale.empty()) v.locale = locale;
    voices.push_back(std::move(v));
  }
  return voices;
}

std::vector<Voice> built_in_voices() {
  struct Entry {
    const char* short_name;
    const char* gender;
    const char* display;
  };
  static const Entry kEntries[] = {
      {"en-US-AriaNeural", "female", "Aria - English (United States)"},
      {"en-US-GuyNeural", "male", "Guy - English (United States)"},
      {"en-GB-SoniaNeural", "female", "Sonia - English (United Kingdom)"},
      {"en-GB-RyanNeural", "male", "Ryan - English (United Kingdom)"},
      {"de-DE-KatjaNeural", "female", "Katja - German (Germany)"},
      {"de-DE-ConradNeural", "male", "Conrad - German (Germany)"},
      {"fr-FR-DeniseNeural", "female", "Denise - French (France)"},
      {"fr-FR-HenriNeural", "male", "Henri - French (France)"},
      {"es-ES-ElviraNeural", "female", "Elvira - Spanish (Spain)"},
      {"es-ES-AlvaroNeural", "male", "Alvaro - Spanish (Spain)"},
      {"es-MX-DaliaNeural", "female", "Dalia - Spanish (Mexico)"},
      {"it-IT-ElsaNeural", "female", "Elsa - Italian (Italy)"},
      {"it-IT-DiegoNeural", "male", "Diego - Italian (Italy)"},
      {"pt-BR-FranciscaNeural", "female", "Francisca - Portuguese (Brazil)"},
      {"pt-BR-AntonioNeural", "male", "Antonio - Portuguese (Brazil)"},
      {"pt-PT-RaquelNeural", "female", "Raquel - Portuguese (Portugal)"},
      {"nl-NL-ColetteNeural", "female", "Colette - Dutch (Netherlands)"},
      {"nl-NL-MaartenNeural", "male", "Maarten - Dutch (Netherlands)"},
      {"pl-PL-ZofiaNeural", "female", "Zofia - Polish (Poland)"},
      {"pl-PL-MarekNeural", "male", "Marek - Polish (Poland)"},
      {"zh-CN-XiaoxiaoNeural", "female", "Xiaoxiao - Chinese (Mainland)"},
      {"zh-CN-YunxiNeural", "male", "Yunxi - Chinese (Mainland)"},
      {"ja-JP-NanamiNeural", "female", "Nanami - Japanese (Japan)"},
  };
  std::vector<Voice> voices;
  for (const Entry& e : kEntries) voices.push_back(make_voice(e.short_name, e.gender, e.display));
  return voices;
}

VoiceList load_voice_list(const EdgeSettings& settings) {
  const fs::path& cache = settings.voice_cache;
  if (!cache.empty() && fresh(cache, settings.voice_list_ttl_s)) {
    if (auto cached = read_cache(cache)) return {std::move(*cached), "cache", ""};
  }
  std::string why;
  bool recently_failed = false;
  {
    std::lock_guard lock(failures().mutex);
    const auto it = failures().failed_at.find(settings.base_url);
    recently_failed = it != failures().failed_at.end() &&
                      std::chrono::steady_clock::now() - it->second < std::chrono::minutes(1);
  }
  if (recently_failed) {
    why = "it could not be fetched a moment ago";
  } else {
    auto fetched = fetch_list(settings);
    auto voices = fetched ? parse_voice_list(*fetched) : fail(fetched.error());
    if (voices && !voices->empty()) {
      if (!cache.empty()) write_cache(cache, *fetched);
      return {std::move(*voices), "service", ""};
    }
    why = voices ? "the service listed no voice" : voices.error().message;
    std::lock_guard lock(failures().mutex);
    failures().failed_at[settings.base_url] = std::chrono::steady_clock::now();
  }
  spdlog::warn("edge voice list unavailable reason=\"{}\"", why);
  if (auto cached = read_cache(cache)) {
    return {std::move(*cached), "stale cache",
            fmt::format("The Edge voice list could not be fetched ({}); showing the list cached "
                        "at {}.",
                        why, cache.string())};
  }
  return {built_in_voices(), "built-in",
          fmt::format("The Edge voice list could not be fetched ({}); showing pitchreel's "
                      "built-in selection of Edge voices.",
                      why)};
}

}  // namespace pitchreel::edge
