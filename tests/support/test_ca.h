// Test helper: a throw-away PKI made with OpenSSL at test time: a CA certificate and a
// server certificate it signed for 127.0.0.1 and localhost (EC P-256, valid for a day),
// written as PEM files into a folder the caller owns. Nothing is read from or installed
// into the system's trust store; clients trust the CA file explicitly.
#pragma once

#include <filesystem>
#include <optional>

namespace pitchreel::testing {

struct TestPki {
  std::filesystem::path ca_cert;      // trust this
  std::filesystem::path server_cert;  // the server's chain (its certificate)
  std::filesystem::path server_key;
};

// nullopt when OpenSSL fails (the test then fails on it).
std::optional<TestPki> make_test_pki(const std::filesystem::path& dir);

}  // namespace pitchreel::testing
