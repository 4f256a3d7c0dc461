#!/usr/bin/env bash
# Installs the browser test's npm packages (package-lock.json, `npm ci`) into DEST, a folder
# of the build directory, so that several build directories never share one node_modules.
# Skips the install when DEST already holds this lock file's packages.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
dest="${1:?usage: setup.sh DEST_DIR}"
mkdir -p "$dest"
stamp="$dest/.package-lock.sha256"
want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dest/node_modules/playwright-core" ]; then
  echo "browser test: npm packages are up to date in $dest"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
(cd "$dest" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
echo "browser test: npm ci done in $dest"
