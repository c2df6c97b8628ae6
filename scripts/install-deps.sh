#!/usr/bin/env bash
# Installs every Debian package pitchreel needs to build, run, test and benchmark.
# Idempotent: packages already present are skipped; runs apt through sudo when not root.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # speech
  libespeak-ng-dev espeak-ng-data
  # media: decode/encode, resample, captions, image ingest, frame maths
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libx264-dev
  libass-dev fonts-dejavu-core libvips-dev libopencv-core-dev libopencv-imgproc-dev
  # program plumbing
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  # catalogue batches: CSV reading and writing
  libcsv-dev
  # service: HTTP, database, crypto (API keys, JWT, signed URLs), outbound fetches
  libcpp-httplib-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  # tests and benchmarks (reference encoders: the x264 and ffmpeg command-line tools; GNU
  # time for the whole-command benchmark's peak memory, curl for the queue-draining one)
  libgtest-dev libgmock-dev x264 ffmpeg bc jq time curl
  # service benchmark: load generator and the static-file reference server
  wrk nginx-light
  # talking presenter: dlib's HOG face detector and its 68-point landmark model; dlib's
  # pkg-config file links BLAS and LAPACK, whose -dev packages dlib does not pull in
  libdlib-dev libdlib-data libblas-dev liblapack-dev
  # S3 storage tests: independent S3 clients; the local S3 server (s3rver) and the
  # reference SigV4 signer come from the npm registry (tests/support/npm)
  rclone s3cmd nodejs
  # web UI end-to-end tests: a real headless browser driven over the DevTools protocol
  chromium
  # remote speech: MP3 test fixtures and English forced alignment
  lame libpocketsphinx-dev pocketsphinx-en-us
  # HTTP engine (src/http): Boost.Asio and Boost.Beast, header-only; cpp-httplib above
  # stays for the tests' clients and fake backends only
  libboost-dev
  # Edge neural voices: the read-aloud WebSocket over TLS (Boost.Beast, listed above, on
  # OpenSSL); the script writer's language detection (libexttextcat and its language models)
  libexttextcat-dev libexttextcat-data
  # video: loudness normalisation (EBU R128) and caption fonts for every script
  # (Noto: Arabic, Hebrew, Devanagari, Thai, Greek, Cyrillic; Noto CJK)
  libebur128-dev fonts-noto-core fonts-noto-cjk
  # scale-out: the PostgreSQL client library, and a PostgreSQL 15 server for the store tests
  libpq-dev postgresql-15
  # hardening: `make fuzz` builds the libFuzzer targets with clang 16 (clang 14 cannot
  # compile libstdc++ 12's std::expected) and its fuzzer/sanitizer runtimes
  clang-16 libclang-rt-16-dev
  # text classes (spaces, emoji, letters, scripts, wide glyphs) and short-text language
  # evidence: ICU's Unicode character database
  libicu-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # Package scripts must not start daemons (nginx would listen on port 80): the benchmark
  # starts its own on loopback. policy-rc.d answering 101 forbids it during the install.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && own_policy=true
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || { $own_policy && $SUDO rm -f "$policy"; exit 1; }
  if $own_policy; then $SUDO rm -f "$policy"; fi
fi

# npm packages used only by tests (local S3 server, reference signer, browser driver).
bash "$(dirname "$0")/install-npm-tools.sh"
