#!/usr/bin/env bash
# Checks the editor schemas with the YAML language server itself (the one VS Code, Neovim,
# Helix and Zed run): npm-installs it into WORKDIR once, then runs check.js.
#   tools/editor/check.sh WORKDIR REPO
# Exit 0 ok, 1 a problem, 77 (ctest: skipped) when node/npm are not on this machine.
set -euo pipefail
work="$1"
repo="$2"
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "editor check: node and npm are not installed; skipped"
  exit 77
fi
mkdir -p "$work"
cp "$repo/tools/editor/package.json" "$work/package.json"
if [ ! -d "$work/node_modules/yaml-language-server" ]; then
  (cd "$work" && npm install --silent --no-audit --no-fund > npm.log 2>&1) || {
    echo "editor check: npm install failed (see $work/npm.log)"
    exit 1
  }
fi
NODE_PATH="$work/node_modules" exec node "$repo/tools/editor/check.js" "$repo"
