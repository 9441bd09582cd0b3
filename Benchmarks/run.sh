#!/usr/bin/env bash
# Builds the release binary and runs the packaging benchmark (see package_bench.py --help).
# Usage: Benchmarks/run.sh [package_bench.py options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --package-path "$root" --product showrunner >&2
exec python3 "$root/Benchmarks/package_bench.py" --showrunner "$root/.build/release/showrunner" "$@"
