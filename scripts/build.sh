#!/usr/bin/env bash
# Builds the release app into dist/ (assumes scripts/setup.sh has run).
#   ./scripts/build.sh            dist/
#   ./scripts/build.sh --single   dist/ and dist-single/stevedore.html (one file, for file://)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
echo "==> trunk build --release --offline"
trunk build --release --offline
if [ "${1:-}" = "--single" ]; then
  echo "==> single-file build (dist-single/stevedore.html)"
  node scripts/build-single.mjs
fi
