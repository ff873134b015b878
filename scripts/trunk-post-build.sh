#!/usr/bin/env bash
# Trunk post_build hook: write sw.js with the precache list of the files this build produced
# (hashed names), and a version derived from them, into the staging directory.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
src="$(cd "$(dirname "$0")/.." && pwd)/www/sw.js"
# No inline script (the Content-Security-Policy): Trunk's loader becomes a file first, so
# the precache list below includes it.
node "$(cd "$(dirname "$0")" && pwd)/csp-boot.mjs" "$dir"
cd "$dir"
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | sort)
list="['./'"
for f in $files; do list="$list, './$f'"; done
list="$list]"
version=$(printf '%s' "$files" | sha256sum | cut -c1-16)
sed -e "s|__PRECACHE__|$list|" -e "s|__VERSION__|$version|" "$src" > sw.js
