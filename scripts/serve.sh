#!/usr/bin/env bash
# The main command: set up, build the release app, and serve it.
#   ./scripts/serve.sh                    http://127.0.0.1:8080 (this machine only)
#   PORT=9000 ./scripts/serve.sh          another port
#   ./scripts/serve.sh --host 0.0.0.0     also reachable from the network (a classroom);
#                                         HOST=0.0.0.0 does the same
# Binding 0.0.0.0 lets anyone who can reach this machine's address on that port load the app:
# only the static files in dist/ are served (no uploads, no directory listings, nothing else).
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --host) HOST="${2:?--host needs an address, e.g. --host 0.0.0.0}"; shift 2 ;;
    --host=*) HOST="${1#--host=}"; shift ;;
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --port=*) PORT="${1#--port=}"; shift ;;
    *) echo "serve.sh: unknown option $1 (use --host ADDRESS, --port N)" >&2; exit 2 ;;
  esac
done
./scripts/setup.sh
./scripts/build.sh
exec node scripts/serve-static.mjs dist "$PORT" "$HOST"
