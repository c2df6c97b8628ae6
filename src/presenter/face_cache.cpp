#include "presenter/face_cache.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace pitchreel {
namespace {

struct DigestFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Lowercase hex SHA-256 of `text` and then every row of `bgr`; empty if OpenSSL fails.
std::string digest(const std::string& text, const cv::Mat& bgr) {
  std::unique_ptr<EVP_MD_CTX, DigestFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1) {
    return {};
  }
  const std::size_t row_bytes = static_cast<std::size_t>(bgr.cols) * bgr.elemSize();
  for (int r = 0; r < bgr.rows; ++r) {
    if (EVP_DigestUpdate(ctx.get(), bgr.ptr(r), row_bytes) != 1) return {};
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1) return {};
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", out[i]);
  return hex;
}

nlohmann::json to_json(const FaceLandmarks& face) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : face.points) {
    points.push_back(p.x);
    points.push_back(p.y);
  }
  return {{"format", FaceCache::kFormat},
          {"face", {face.face.x, face.face.y, face.face.width, face.face.height}},
          {"points", points}};
}

std::optional<FaceLandmarks> from_json(const nlohmann::json& j) {
  if (!j.is_object() || j.value("format", 0) != FaceCache::kFormat) return std::nullopt;
  const auto& box = j.at("face");
  const auto& points = j.at("points");
  FaceLandmarks face;
  if (!box.is_array() || box.size() != 4 || !points.is_array() ||
      points.size() != 2 * face.points.size()) {
    return std::nullopt;
  }
  face.face = cv::Rect2f(box[0].get<float>(), box[1].get<float>(), box[2].get<float>(),
                         box[3].get<float>());
  for (std::size_t i = 0; i < face.points.size(); ++i) {
    face.points[i] = cv::Point2f(points[2 * i].get<float>(), points[2 * i + 1].get<float>());
  }
  return face;
}

}  // namespace

std::filesystem::path FaceCache::folder() {
  const auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  const std::string configured = env("PITCHREEL_CACHE_DIR");
  if (configured == "off") return {};
  if (!configured.empty()) return std::filesystem::path(configured) / "faces";
  if (const std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) {
    return std::filesystem::path(xdg) / "pitchreel" / "faces";
  }
  if (const std::string home = env("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".cache" / "pitchreel" / "faces";
  }
  return {};
}

FaceCache::FaceCache(const std::filesystem::path& model) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(model, ec);
  if (ec) return;
  const auto modified = std::filesystem::last_write_time(model, ec);
  if (ec) return;
  folder_ = folder();
  model_identity_ = fmt::format("pitchreel-face-cache {} {} {} {}\n", kFormat,
                                std::filesystem::absolute(model, ec).string(), size,
                                modified.time_since_epoch().count());
}

std::string FaceCache::key(const cv::Mat& bgr) const {
  if (!enabled() || bgr.empty()) return {};
  return digest(fmt::format("{}{}x{} type {}\n", model_identity_, bgr.cols, bgr.rows, bgr.type()),
                bgr);
}

std::optional<FaceLandmarks> FaceCache::find(const std::string& key) const {
  if (!enabled() || key.empty()) return std::nullopt;
  const auto path = folder_ / (key + ".json");
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    auto face = from_json(nlohmann::json::parse(in));
    if (!face) {
      spdlog::debug("face cache entry ignored path={} why=unexpected content", path.string());
    }
    return face;
  } catch (const std::exception& e) {
    spdlog::debug("face cache entry ignored path={} why={}", path.string(), e.what());
    return std::nullopt;
  }
}

void FaceCache::store(const std::string& key, const FaceLandmarks& face) const {
  if (!enabled() || key.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) {
    spdlog::debug("face cache off folder={} why={}", folder_.string(), ec.message());
    return;
  }
  const auto path = folder_ / (key + ".json");
  const auto temporary =
      folder_ / fmt::format(".{}.{}.{}.tmp", key, ::getpid(),
                            std::hash<std::thread::id>()(std::this_thread::get_id()));
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << to_json(face).dump();
    if (!out.flush()) {
      spdlog::debug("face cache not written path={}", temporary.string());
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    spdlog::debug("face cache not written path={} why={}", path.string(), ec.message());
    std::filesystem::remove(temporary, ec);
  }
}

}  // namespace pitchreel
