#include "support/edge_servers.h"

#include <sys/socket.h>

#include <chrono>
#include <ctime>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "media/audio_resample.h"
#include "support/audio_encode.h"
#include "support/test_support.h"
#include "tts/edge_protocol.h"
#include "tts/edge_token.h"
#include "tts/espeak_engine.h"

namespace pitchreel::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr std::string_view kBasePath = "/consumer/speech/synthesize/readaloud";
constexpr int kRate = 24000;

std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(buffer, n);
}

std::map<std::string, std::string> parse_query(std::string_view target) {
  std::map<std::string, std::string> query;
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return query;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    query[std::string(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return query;
}

// The server's own clock decides, as the real service's does: the current window, or the
// one just before (a client that computed its token a moment before the window turned).
bool token_valid(const std::map<std::string, std::string>& query, const char* token_name) {
  const auto now = std::chrono::system_clock::now();
  const auto token = query.find("Sec-MS-GEC");
  const auto client = query.find(token_name);
  const auto version = query.find("Sec-MS-GEC-Version");
  if (token == query.end() || client == query.end() || version == query.end()) return false;
  if (client->second != edge::kTrustedClientToken) return false;
  if (version->second != edge::sec_ms_gec_version()) return false;
  return token->second == edge::sec_ms_gec(now) ||
         token->second == edge::sec_ms_gec(now - std::chrono::minutes(5));
}

std::string unescape_xml(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}, {"&quot;", '"'}};
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += '&';
  }
  return out;
}

// The prosody's text and the speak element's xml:lang.
std::pair<std::string, std::string> ssml_text(std::string_view ssml) {
  const std::size_t open = ssml.find("<prosody");
  const std::size_t start = ssml.find('>', open);
  const std::size_t end = ssml.find("</prosody>");
  std::string text = (open == std::string_view::npos || start == std::string_view::npos ||
                      end == std::string_view::npos)
                         ? ""
                         : unescape_xml(ssml.substr(start + 1, end - start - 1));
  std::string lang = "en-us";
  if (const std::size_t l = ssml.find("xml:lang='"); l != std::string_view::npos) {
    const std::size_t e = ssml.find('\'', l + 10);
    lang = std::string(ssml.substr(l + 10, e - l - 10));
  }
  return {text, lang};
}

std::string strip_punctuation(std::string_view word) {
  const auto punct = [](char c) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  };
  while (!word.empty() && punct(word.front())) word.remove_prefix(1);
  while (!word.empty() && punct(word.back())) word.remove_suffix(1);
  return std::string(word);
}

std::string text_frame(std::string_view path, std::string_view request_id, std::string_view body) {
  return fmt::format("X-RequestId:{}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{}\r\n\r\n{}",
                     request_id, path, body);
}

std::string word_metadata(const WordTiming& w) {
  const auto ticks = [](double s) { return static_cast<std::int64_t>(s * 10'000'000.0); };
  const std::string text = strip_punctuation(w.text);
  nlohmann::json item = {
      {"Type", "WordBoundary"},
      {"Data",
       {{"Offset", ticks(w.start)},
        {"Duration", ticks(w.end - w.start)},
        {"text", {{"Text", text}, {"Length", text.size()}, {"BoundaryType", "WordBoundary"}}}}}};
  return nlohmann::json{{"Metadata", nlohmann::json::array({item})}}.dump();
}

}  // namespace

struct EdgeTtsServer::Impl {
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};

  static void serve(EdgeTtsServer& self, tcp::socket socket);
};

EdgeTtsServer::EdgeTtsServer(Fault fault) : impl_(std::make_unique<Impl>()), fault_(fault) {
  pki_ = make_test_pki(dir_.path());
  if (!pki_) return;
  beast::error_code ec;
  impl_->tls.use_certificate_chain_file(pki_->server_cert.string(), ec);
  if (ec) return;
  impl_->tls.use_private_key_file(pki_->server_key.string(), ssl::context::pem, ec);
  if (ec) return;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return;
  started_ = true;
  acceptor_ = std::thread([this] { accept_loop(); });
}

EdgeTtsServer::~EdgeTtsServer() {
  if (started_) {
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    acceptor_.join();
  }
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    connections.swap(connections_);
  }
  for (auto& t : connections) t.join();
}

std::string EdgeTtsServer::base_url() const {
  return fmt::format("wss://127.0.0.1:{}{}", impl_->acceptor.local_endpoint().port(), kBasePath);
}

std::vector<EdgeTtsServer::Request> EdgeTtsServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

Speech EdgeTtsServer::last_speech() const {
  std::lock_guard lock(mutex_);
  return last_speech_;
}

void EdgeTtsServer::accept_loop() {
  while (true) {
    tcp::socket socket(impl_->ioc);
    beast::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec) return;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(socket.native_handle());
    connections_.emplace_back(
        [this, s = std::move(socket)]() mutable { Impl::serve(*this, std::move(s)); });
  }
}

void EdgeTtsServer::Impl::serve(EdgeTtsServer& self, tcp::socket socket) {
  const int fd = socket.native_handle();
  beast::ssl_stream<tcp::socket> stream(std::move(socket), self.impl_->tls);
  const auto finish = [&] {
    std::lock_guard lock(self.mutex_);
    std::erase(self.open_fds_, fd);
    beast::error_code ignored;
    beast::get_lowest_layer(stream).close(ignored);
  };
  beast::error_code ec;
  stream.handshake(ssl::stream_base::server, ec);
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  if (!ec) http::read(stream, buffer, req, ec);
  if (ec) return finish();

  Request seen;
  seen.target = std::string(req.target());
  seen.query = parse_query(seen.target);
  for (const auto& field : req) seen.headers[std::string(field.name_string())] = std::string(field.value());
  const std::string path = seen.target.substr(0, seen.target.find('?'));
  const bool forbid_all = self.fault_ == Fault::kForbidAlways;
  const auto record = [&](int status) {
    seen.status = status;
    std::lock_guard lock(self.mutex_);
    self.requests_.push_back(seen);
  };
  const auto answer = [&](http::status status, std::string body, std::string type) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::date, http_date(std::chrono::system_clock::now()));
    res.set(http::field::content_type, type);
    res.body() = std::move(body);
    res.prepare_payload();
    record(static_cast<int>(status));
    http::write(stream, res, ec);
  };

  if (path == std::string(kBasePath) + "/voices/list" && !websocket::is_upgrade(req)) {
    if (forbid_all || !token_valid(seen.query, "trustedclienttoken")) {
      answer(http::status::forbidden, "", "text/plain");
    } else {
      const nlohmann::json list = nlohmann::json::array({
          {{"Name", "Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)"},
           {"ShortName", "en-US-AriaNeural"}, {"Gender", "Female"}, {"Locale", "en-US"},
           {"FriendlyName", "Microsoft Aria Online (Natural) - English (United States)"}},
          {{"Name", "Microsoft Server Speech Text to Speech Voice (de-DE, ConradNeural)"},
           {"ShortName", "de-DE-ConradNeural"}, {"Gender", "Male"}, {"Locale", "de-DE"},
           {"FriendlyName", "Microsoft Conrad Online (Natural) - German (Germany)"}},
          {{"Name", "Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)"},
           {"ShortName", "zh-CN-XiaoxiaoNeural"}, {"Gender", "Female"}, {"Locale", "zh-CN"},
           {"FriendlyName", "Microsoft Xiaoxiao Online (Natural) - Chinese (Mainland)"}},
      });
      answer(http::status::ok, list.dump(), "application/json");
    }
    return finish();
  }
  if (path != std::string(kBasePath) + "/edge/v1" || !websocket::is_upgrade(req)) {
    answer(http::status::not_found, "", "text/plain");
    return finish();
  }
  if (forbid_all || !token_valid(seen.query, "TrustedClientToken")) {
    answer(http::status::forbidden, "", "text/plain");
    return finish();
  }

  websocket::stream<beast::ssl_stream<tcp::socket>&> ws(stream);
  ws.accept(req, ec);
  if (ec) return finish();
  for (int i = 0; i < 2 && !ec; ++i) {
    beast::flat_buffer frame;
    ws.read(frame, ec);
    if (!ec) seen.messages.push_back(beast::buffers_to_string(frame.data()));
  }
  record(101);
  if (ec) return finish();

  const auto ssml = edge::parse_text_message(seen.messages.back());
  const auto [text, lang] = ssml_text(ssml ? ssml->body : "");
  EspeakEngine espeak;
  SpeechOptions options;
  options.voice = lang.substr(0, lang.find('-'));
  auto speech = espeak.synthesize(text.empty() ? "nothing" : text, options);
  if (!speech) {
    options.voice = "en-us";
    speech = espeak.synthesize(text.empty() ? "nothing" : text, options);
  }
  if (!speech) return finish();
  Speech served;
  served.sample_rate = kRate;
  served.samples = resample_mono(speech->samples, speech->sample_rate, kRate);
  const double stretch = double(served.samples.size()) / kRate / speech->duration();
  for (WordTiming w : speech->words) {
    w.start *= stretch;
    w.end *= stretch;
    served.words.push_back(w);
  }
  const auto mp3 = encode_audio(served.samples, kRate, AudioFormat::kMp3);
  {
    std::lock_guard lock(self.mutex_);
    self.last_speech_ = served;
  }

  const std::string request_id = edge::random_hex_id();
  const auto send_text = [&](const std::string& frame) {
    ws.text(true);
    ws.write(net::buffer(frame), ec);
  };
  send_text(text_frame("turn.start", request_id, R"({"context":{"serviceTag":"test"}})"));
  send_text(text_frame("response", request_id, R"({"context":{"serviceTag":"test"}})"));
  constexpr std::size_t kChunk = 2048;
  const std::size_t chunks = (mp3.size() + kChunk - 1) / kChunk;
  const std::string audio_headers = fmt::format(
      "X-RequestId:{}\r\nContent-Type:audio/mpeg\r\nX-StreamId:{}\r\nPath:audio\r\n", request_id,
      request_id);
  std::size_t next_word = 0;
  for (std::size_t c = 0; c < chunks && !ec; ++c) {
    const Fault fault = self.fault_;
    if (c == chunks / 2 && fault == Fault::kDisconnectMidStream) return finish();
    if (c == chunks / 2 && fault == Fault::kStall) {
      beast::flat_buffer ignored;
      ws.read(ignored, ec);  // until the client gives up and closes
      return finish();
    }
    const std::size_t begin = c * kChunk;
    const std::size_t size = std::min(kChunk, mp3.size() - begin);
    ws.binary(true);
    ws.write(net::buffer(edge::make_binary_message(
                 audio_headers, std::span<const std::uint8_t>(mp3.data() + begin, size))),
             ec);
    // Word boundaries arrive interleaved with the audio, as from the real service.
    const double sent_s = served.duration() * double(c + 1) / double(chunks);
    while (!ec && next_word < served.words.size() && served.words[next_word].start <= sent_s) {
      send_text(text_frame("audio.metadata", request_id, word_metadata(served.words[next_word])));
      ++next_word;
    }
  }
  while (!ec && next_word < served.words.size()) {
    send_text(text_frame("audio.metadata", request_id, word_metadata(served.words[next_word++])));
  }
  send_text(text_frame("turn.end", request_id, "{}"));
  if (!ec) {
    beast::flat_buffer rest;
    ws.read(rest, ec);  // the client's close
  }
  finish();
}

}  // namespace pitchreel::testing
