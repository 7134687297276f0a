#!/usr/bin/env bash
# Installs what tadaima needs to build, run, test and benchmark on Debian 12.
# Safe to run again: it installs only what is missing. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libsodium-dev libicu-dev
  libkainjow-mustache-dev prometheus-cpp-dev libssl-dev libqrencode-dev
  libcurl4-openssl-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk libxlsxwriter-dev libzip-dev
  libvips-dev
  # tests
  libgtest-dev libgmock-dev postgresql postgresql-client haproxy
  # fuzzing: clang's libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  chromium nodejs npm curl poppler-utils zbar-tools python3-aiosmtpd openssl python3-openpyxl
  libheif-examples libimage-exiftool-perl
  # benchmarks (postfix only for its smtp-sink and smtp-source load tools: installed unconfigured, never started)
  nginx-light wrk bc python3 postfix
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node and npm may come from elsewhere on a developer machine; accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # postgresql and nginx would start system services on install; tests and benchmarks start their own on
  # private ports, so keep the system ones stopped (policy-rc.d is Debian's switch for that).
  added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  # postfix asks what kind of mail server to be: none ("No configuration"), so no mail server ever runs.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ -n "$added_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
fi

# Front-end and browser-test packages, pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: ok"
