#!/usr/bin/env bash
# The whole test suite: installs system packages if needed, builds, runs every test (XCTest).
# Tests that need ../shared/fixtures skip with a printed reason when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-deps.sh
swift build --build-tests
# The CLI robustness, concurrency and interruption tests drive the release binaries, as users run them.
swift build -c release --product fsvideo
swift build -c release --product fsvideo-bench
export FSVIDEO_BIN="$(swift build -c release --show-bin-path)/fsvideo"
export FSVIDEO_BENCH_BIN="$(swift build -c release --show-bin-path)/fsvideo-bench"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line: "N passed, N failed, N skipped".
passed=$(grep -cE "^Test Case '.*' passed" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
skipped=$(grep -cE "^Test Case '.*' skipped" "$log" || true)
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
