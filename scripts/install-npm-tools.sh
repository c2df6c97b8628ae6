#!/usr/bin/env bash
# Installs the npm packages that tests need (each folder under tests/ or clients/ with a
# package.json and its package-lock.json: the local S3 server, the reference signer, the
# browser driver, the contract linter and validator, the clients' build tools, the
# standardwebhooks verifier of tests/webhooks).
# Idempotent: a folder whose node_modules matches its lock file is skipped. Runs after
# scripts/install-deps.sh has installed Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's own nodejs package ships without npm; some archives' nodejs bundles it.
if ! command -v npm >/dev/null; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi
for lock in tests/*/package-lock.json clients/*/package-lock.json; do
  [ -e "$lock" ] || continue
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.pitchreel-lock"
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then
    continue
  fi
  echo "install-npm-tools: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
done
