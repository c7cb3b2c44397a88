#!/usr/bin/env bash
# The main job: release build, then a demo generation with the bundled toy model
# (16 frames at its native 64x96, 50 DDIM steps, then FreeScale climbs 128x192 → 256x384)
# → outputs/demo/video.mp4 (+ stage videos, contact_sheet.png, run.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-deps.sh
swift build -c release --product fsvideo
BIN="$(swift build -c release --show-bin-path)/fsvideo"
"$BIN" generate "a red circle moving right on a black background" \
    --frames 16 --res 256x384 --keep-stages --seed 123 --out outputs/demo --overwrite
if command -v ffprobe >/dev/null 2>&1; then
    ffprobe -v error -select_streams v:0 -count_frames \
        -show_entries stream=codec_name,width,height,nb_read_frames -of compact=p=0 outputs/demo/video.mp4
fi
