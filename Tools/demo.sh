#!/usr/bin/env bash
# The main job: release build, then a demo generation with the bundled toy model: 16 frames at its native
# 64x96, 50 DDIM steps, then FreeScale climbs to 128x192 (2×, the paper's video setting); the same prompt,
# seed and size is also sampled directly at 128x192 (`--method direct`, the baseline FreeScale fixes), and
# compare.png shows both, FreeScale on top → outputs/demo/{video.mp4, compare.png, compare-direct/, stage
# videos, contact_sheet.png, run.json}. DEMO_RES=256x384 climbs one stage further (64x96 → 128x192 → 256x384).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-deps.sh
swift build -c release --product fsvideo
BIN="$(swift build -c release --show-bin-path)/fsvideo"
"$BIN" generate "a red circle moving right on a black background" \
    --frames 16 --res "${DEMO_RES:-128x192}" --keep-stages --seed 123 --compare direct --out outputs/demo --overwrite
if command -v ffprobe >/dev/null 2>&1; then
    ffprobe -v error -select_streams v:0 -count_frames \
        -show_entries stream=codec_name,width,height,nb_read_frames -of compact=p=0 outputs/demo/video.mp4
fi
