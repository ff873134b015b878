#!/usr/bin/env bash
# Installs what building and testing Stevedore needs, skipping what is already present at the
# right version. Safe to run again and again; a warm machine pays nothing.
#   Rust wasm32 target · Trunk 0.21.14 · wasm-bindgen-cli (= Cargo.lock) · npm dev tools
#   (binaryen's wasm-opt, playwright-core) · Debian chromium + chromium-driver
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
die() { printf '\nsetup: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) to run: $*"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    step "apt-get update"
    as_root apt-get update -q || die "apt-get update failed"
    apt_updated=1
  fi
  step "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || die "could not install $* from Debian's packages"
}

step "Rust toolchain"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"
ok "$(cargo --version)"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  ok "wasm32-unknown-unknown target"
else
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || die "could not add the wasm32 target"
fi

step "Node.js and npm"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
ok "node $(node --version), npm $(npm --version)"

step "Trunk $TRUNK_VERSION"
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  ok "trunk $TRUNK_VERSION"
else
  echo "    building from crates.io (about 10-15 minutes on 2 cores)..."
  cargo install --locked trunk --version "$TRUNK_VERSION" || die "could not install trunk $TRUNK_VERSION"
fi

step "wasm-bindgen-cli (the version Cargo.lock pins)"
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wbg" ] || die "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ]; then
  ok "wasm-bindgen $wbg"
else
  echo "    building wasm-bindgen-cli $wbg from crates.io (about 6 minutes)..."
  # No --locked: its lock file pins a crate release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wbg" || die "could not install wasm-bindgen-cli $wbg"
fi

step "npm dev tools (binaryen wasm-opt, playwright-core)"
if [ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  ok "node_modules up to date"
elif [ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && npm ls --depth=0 >/dev/null 2>&1; then
  ok "node_modules up to date"
else
  npm ci --no-audit --no-fund || die "npm ci failed"
fi
ok "$(wasm-opt --version)"

step "Chromium and ChromeDriver (Debian packages)"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  ok "$(/usr/bin/chromium --version 2>/dev/null | head -1)"
else
  apt_install chromium chromium-driver
fi

step "cargo fetch (so trunk --offline builds without touching the network)"
cargo fetch --quiet || die "cargo fetch failed"
ok "dependencies fetched"
printf '\nsetup complete\n'
