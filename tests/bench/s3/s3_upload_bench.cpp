// Upload driver for tests/bench/s3_bench.sh: puts one file into a bucket through S3Store
// (exactly what a worker does with a finished video) and prints one line of JSON:
//   {"bytes":..., "seconds":..., "idle_rss_kb":..., "peak_rss_kb":...}
// idle_rss_kb is the resident set just before the upload, peak_rss_kb the high-water mark
// (VmHWM) after it, so their difference is what the upload added.
//   S3_ENDPOINT=... S3_BUCKET=... S3_ACCESS_KEY_ID=... S3_SECRET_ACCESS_KEY=...
//   S3_REGION=... pitchreel_s3_bench FILE KEY
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "storage/s3_store.h"

namespace {

long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

std::string env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: pitchreel_s3_bench FILE KEY (settings from S3_* variables)\n";
    return 2;
  }
  pitchreel::S3Settings settings;
  settings.endpoint = env("S3_ENDPOINT");
  settings.region = env("S3_REGION", "auto");
  settings.bucket = env("S3_BUCKET");
  settings.access_key_id = env("S3_ACCESS_KEY_ID");
  settings.secret_access_key = env("S3_SECRET_ACCESS_KEY");
  settings.part_size = static_cast<std::uint64_t>(std::atoi(env("S3_PART_SIZE_MB", "8").c_str()))
                       << 20;
  auto store = pitchreel::S3Store::open(settings);
  if (!store) {
    std::cerr << store.error().code << ": " << store.error().message << "\n";
    return 1;
  }
  const long idle = status_kb("VmRSS");
  const auto started = std::chrono::steady_clock::now();
  auto put = (*store)->put_file(argv[2], argv[1], {"video/mp4", "", ""});
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!put) {
    std::cerr << put.error().code << ": " << put.error().message << "\n";
    return 1;
  }
  auto info = (*store)->stat(argv[2]);
  std::cout << "{\"bytes\":" << (info ? info->size : 0) << ",\"seconds\":" << took.count()
            << ",\"idle_rss_kb\":" << idle << ",\"peak_rss_kb\":" << status_kb("VmHWM") << "}\n";
  return 0;
}
