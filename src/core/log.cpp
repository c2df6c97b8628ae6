#include "core/log.h"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <nlohmann/json.hpp>

namespace pitchreel {
namespace {

// %j: the message as a JSON string literal (quotes included), so a message carrying
// quotes, backslashes or control characters still makes a valid JSON line.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string quoted = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// Lines are queued and written by one background thread: a request thread never waits
// for stderr (a write per line under a global lock cost a busy server a third of its
// throughput). The queue blocks rather than drops when full, so no line is lost.
std::shared_ptr<spdlog::logger> make_logger() {
  constexpr std::size_t kQueueLines = 1024;  // ~0.4 MB; a full queue blocks briefly
  spdlog::init_thread_pool(kQueueLines, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>(
      "pitchreel", std::move(sink), spdlog::thread_pool(), spdlog::async_overflow_policy::block);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

void init_logging(std::string_view level, bool json) {
  auto logger = spdlog::get("pitchreel");
  if (!logger) {
    logger = make_logger();
    spdlog::set_default_logger(logger);
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (json) {
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":%j})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
}

void shutdown_logging() { spdlog::shutdown(); }

}  // namespace pitchreel
