#!/usr/bin/env bash
# Everything Loupe needs on a fresh Debian/Ubuntu machine: a Chromium to render with, the
# fonts designs fall back to, a C++ tool chain (better-sqlite3 builds from source where its
# prebuilt binary cannot be downloaded), and the npm dependencies (without Electron's or
# onnxruntime's CUDA downloads, which Loupe does not need to run).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=0
command -v chromium >/dev/null 2>&1 || [[ -x /usr/lib/chromium/chromium ]] || need_apt=1
# A machine may come with Chromium and some fonts but not all: a family that is missing renders
# in Chromium's default serif, which perception then reads (rightly) as serif.
for family in 'DejaVu Sans' 'Liberation Sans' 'Noto Sans'; do
  fc-list 2>/dev/null | grep -q "$family" || need_apt=1
done
for tool in make g++ python3; do command -v "$tool" >/dev/null 2>&1 || need_apt=1; done
if ((need_apt)); then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq chromium fonts-dejavu fonts-liberation fonts-noto-core make g++ python3 >/dev/null
  else
    echo "Install Chromium (or Chrome/Edge) and set LOUPE_CHROMIUM to its executable if it is not found." >&2
  fi
fi

export ONNXRUNTIME_NODE_INSTALL=skip ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
