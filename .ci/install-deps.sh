#!/usr/bin/env bash
# Installs the Debian 12 packages Heard needs, and only those that are missing.
# Boost must be the 1.81 packages: libboost-dev (1.74) would replace its headers,
# so nothing here pulls in recommends.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache make openssl clang-14 libclang-rt-14-dev clang-format-14
  libboost1.81-dev libboost-program-options1.81-dev
  libprotobuf-dev protobuf-compiler
  libssl-dev
  libgtest-dev libgmock-dev
  libncurses-dev tmux testssl.sh
  systemd haproxy nginx-light prometheus
  dpkg-dev help2man lintian
  chromium fonts-dejavu-core
)
# The browser client builds with Node.js 18+ (Debian 12's) and npm. A machine that already
# has them (Debian's, or NodeSource's packages, which bundle npm and conflict
# with Debian's npm) keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing packages: ${missing[*]}" >&2
  echo "Run as root (or: sudo apt-get install --no-install-recommends ${missing[*]})" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
