#!/usr/bin/env bash
# Builds the release app into dist/ (assumes scripts/setup.sh has run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
echo "==> trunk build --release --offline
if [ "${1:-}" = "--single" ]; then node scripts/build-single.mjs; fi"
trunk build --release --offline
if [ "${1:-}" = "--single" ]; then node scripts/build-single.mjs; fi
