#!/usr/bin/env bash
# The main command: set up, build the release app, and serve it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
PORT="${PORT:-8080}"
exec node scripts/serve-static.mjs dist "$PORT"
