// Identifiers for new rows.
#pragma once

#include <string>

namespace pitchreel::db {

// A random (version 4) UUID in lower-case 8-4-4-4-12 form, from OpenSSL's CSPRNG
// (RAND_bytes). Thread-safe. Should RAND_bytes ever fail, falls back to
// std::random_device (the kernel's getrandom on Linux) rather than fail the caller.
std::string new_uuid();

}  // namespace pitchreel::db
