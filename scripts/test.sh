#!/usr/bin/env bash
# The test command: set up, then run every test: native cargo tests for the workspace, the
# release wasm build, the browser tests in headless Chromium, and the shipped-size report.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# A one-off clean build gains nothing from incremental caches, which double target/'s size.
export CARGO_INCREMENTAL=0

echo; echo "==> cargo test --workspace"
cargo test --workspace

echo; echo "==> release build (and the single-file build for file://)"
./scripts/build.sh
node scripts/build-single.mjs

echo; echo "==> browser tests (Playwright + Debian Chromium)"
# Node runs test files in parallel; the frame-time measurement runs afterwards, alone, so the
# numbers it reports are not other browsers' load; so does the all-day run (memory, seeks).
node --test --test-reporter=spec $(ls tests/e2e/*.test.mjs | grep -Ev '/(perf|longrun)\.test\.mjs$')
node --test --test-reporter=spec tests/e2e/perf.test.mjs
node --test --test-reporter=spec tests/e2e/longrun.test.mjs

echo; echo "==> README hero image from the real app (docs/images/first-light.png)"
node scripts/hero-image.mjs

echo
./scripts/size-report.sh
echo; echo "screenshots: test-output/screenshots/"
