#!/usr/bin/env bash
# The whole test suite: installs system packages if needed, builds, runs every test.
# Tests that need ../shared/fixtures skip with a printed reason when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-deps.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee /tmp/fsvideo-test.log
