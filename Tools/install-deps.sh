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

# Optional (#19): NVRTC from PyPI's nvidia-cuda-nvrtc-cu12 wheel, so the CUDA kernel sources are compiled to PTX
# in the tests on machines without a GPU or CUDA. Installed with `pip install --target` into a cache outside the
# repository (found there by FSCUDA's library search). Never fails the install; FSVIDEO_SKIP_CUDA_WHEELS=1 skips.
install_nvrtc_wheel() {
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/fsvideo/cuda-wheels"
    ls "$cache"/nvidia/cuda_nvrtc/lib/libnvrtc.so.* >/dev/null 2>&1 && return 0
    # Debian 12 (CI): python3-pip brings python3 too; pip's PEP 668 check does not apply to --target installs.
    if ! python3 -m pip --version >/dev/null 2>&1; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-pip >/dev/null; } \
            || { echo "note: pip unavailable; the NVRTC kernel test will skip" >&2; return 0; }
    fi
    echo "installing the NVRTC wheel into $cache" >&2
    timeout 180 python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$cache" nvidia-cuda-nvrtc-cu12 >/dev/null 2>&1 \
        || echo "note: could not install nvidia-cuda-nvrtc-cu12 (offline?); the NVRTC kernel test will skip" >&2
}
[ "${FSVIDEO_SKIP_CUDA_WHEELS:-0}" = 1 ] || install_nvrtc_wheel || true
