#!/usr/bin/env bash
# Installs what reframe needs to build and test on Debian 12, skipping what is there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config python3
  libyaml-cpp-dev libsqlitecpp-dev libsqlite3-dev catch2 nlohmann-json3-dev
  libcli11-dev libre2-dev libutf8proc-dev libexpected-dev clang-format
  clang libclang-rt-14-dev libspdlog-dev libfmt-dev libboost-dev libssl-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
