#!/usr/bin/env bash
# The GPU check of issue #19 (docs/gpu.md).
#
#   Tools/gpu-check.sh --bundle OUTDIR
#       Here (with Swift): builds fsvideo-gpu-check in release with the static Swift stdlib and copies it, its
#       resource folders, the shared libraries a CUDA base image lacks (OpenBLAS, libgfortran, libquadmath …, found
#       with ldd) and this script into OUTDIR, and packs it as OUTDIR.tar.gz (checked ≤ 60 MiB; the folder itself
#       is ~100 MiB, most of it the static Swift runtime with ICU data and OpenBLAS).
#   Tools/gpu-check.sh --run BUNDLE [--device cpu|cuda|auto] [--sizes real|small] [--fixtures DIR] [--out DIR]
#       On the GPU machine (no Swift needed): BUNDLE is the folder or the .tar.gz; runs the bundled check,
#       ≤ 8 minutes, default --device auto.
#   Tools/gpu-check.sh --binary PATH [same options]
#       Runs a given check binary (the test suite rehearses the check in CPU mode with the debug build).
#
# Writes the results folder (results.json, log.txt, console.txt) and prints one summary line:
#   fsvideo-gpu-check: PASS device=cuda gpu="NVIDIA H200" ops=27/27 fixtures=6/6 (cpu path) results=DIR
set -euo pipefail
limit_mib=60
time_limit_s="${FSVIDEO_GPU_CHECK_TIMEOUT:-480}"

die() { echo "gpu-check.sh: error: $*" >&2; exit 2; }

make_bundle() {
    local out="$1" root
    root="$(cd "$(dirname "$0")/.." && pwd)"
    cd "$root"
    local log; log="$(mktemp)"
    swift build -c release --static-swift-stdlib --product fsvideo-gpu-check >"$log" 2>&1 \
        || { grep -E "error" "$log" | head -20 >&2; rm -f "$log"; die "release build failed"; }
    rm -f "$log"
    local bin_dir; bin_dir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
    rm -rf "$out"; mkdir -p "$out/lib"
    cp "$bin_dir/fsvideo-gpu-check" "$out/"
    strip -s "$out/fsvideo-gpu-check" 2>/dev/null || true
    for r in "$bin_dir"/*.resources; do
        case "$(basename "$r")" in *FSModels*|*FSCheckpoint*) cp -R "$r" "$out/" ;; esac
    done
    cp "$root/Tools/gpu-check.sh" "$out/gpu-check.sh"
    # Shared libraries beyond glibc, libstdc++ and libgcc (which every CUDA base image has).
    ldd "$out/fsvideo-gpu-check" | awk '/=> \// {print $3}' | while read -r lib; do
        case "$(basename "$lib")" in
            libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*|libstdc++.so*|libgcc_s.so*|libutil.so*) ;;
            *) cp -L "$lib" "$out/lib/" ;;
        esac
    done
    local dir_mib=$(( ($(du -sb "$out" | cut -f1) + 1048575) / 1048576 ))
    tar -C "$(dirname "$out")" -czf "$out.tar.gz" "$(basename "$out")"
    local mib=$(( ($(stat -c %s "$out.tar.gz") + 1048575) / 1048576 ))
    echo "bundle $out ($dir_mib MiB; libs: $(ls "$out/lib" | tr '\n' ' '| sed 's/ $//')) → $out.tar.gz: ${mib} MiB"
    [ "$mib" -le "$limit_mib" ] || die "$out.tar.gz is ${mib} MiB, above ${limit_mib} MiB"
}

run_check() {
    local bin="$1"; shift
    [ -x "$bin" ] || die "$bin: no check binary (build it with: Tools/gpu-check.sh --bundle DIR)"
    local out="gpu-check-results" device="auto" args=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --out) out="$2"; shift 2 ;;
            --device) device="$2"; shift 2 ;;
            --sizes|--fixtures|--seed) args+=("$1" "$2"); shift 2 ;;
            *) die "unknown option $1" ;;
        esac
    done
    mkdir -p "$out"
    local lib_dir; lib_dir="$(dirname "$bin")/lib"
    local status=0
    LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout "$time_limit_s" \
        "$bin" --device "$device" --out "$out" "${args[@]}" >"$out/console.txt" 2>&1 || status=$?
    local summary; summary="$(grep -E '^fsvideo-gpu-check: (PASS|FAIL)' "$out/console.txt" | tail -1 || true)"
    if [ -z "$summary" ]; then
        [ "$status" -eq 124 ] && summary="fsvideo-gpu-check: FAIL timed out after ${time_limit_s}s results=$out" \
            || summary="fsvideo-gpu-check: FAIL exit $status: $(tail -1 "$out/console.txt") results=$out"
    fi
    echo "$summary"
    return "$status"
}

case "${1:-}" in
    --bundle) [ $# -eq 2 ] || die "usage: $0 --bundle OUTDIR"; make_bundle "$2" ;;
    --run)
        [ $# -ge 2 ] || die "usage: $0 --run BUNDLE [options]"; b="$2"; shift 2
        if [ -f "$b" ]; then   # a .tar.gz: unpack beside the results
            tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
            tar -C "$tmp" -xzf "$b" || die "$b: cannot unpack"
            b="$(find "$tmp" -name fsvideo-gpu-check -type f -printf '%h\n' | head -1)"
        fi
        run_check "$b/fsvideo-gpu-check" "$@" ;;
    --binary) [ $# -ge 2 ] || die "usage: $0 --binary PATH [options]"; b="$2"; shift 2; run_check "$b" "$@" ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
