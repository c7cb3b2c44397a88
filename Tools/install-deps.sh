#!/usr/bin/env bash
# Installs the Debian packages fsvideo builds and tests against, when any is missing.
set -euo pipefail
pkgs=(pkg-config libopenblas-dev liblapack-dev libavcodec-dev libavformat-dev libswscale-dev libavutil-dev ffmpeg)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
