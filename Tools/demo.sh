#!/usr/bin/env bash
# The main job: release build, then a demo run on the bundled toy model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-deps.sh
swift build -c release --product fsvideo
BIN="$(swift build -c release --show-bin-path)/fsvideo"
"$BIN" inspect Fixtures/models/toy_shapes/toy_shapes.safetensors
