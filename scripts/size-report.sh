#!/usr/bin/env bash
# Prints the gzip size of what the app ships (wasm + js + css).
set -euo pipefail
cd "$(dirname "$0")/.."
total=0
echo "==> shipped size (gzip -9)"
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '    %-48s %8d B raw %8d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '    %-48s %26d B gzip (%d KiB)\n' "total wasm+js+css" "$total" "$((total / 1024))"
