#!/usr/bin/env bash
# `npm run bench [-- --quick] [--only ingest,realtime] [--explain] [--profile DIR]`: prints
# every figure beside a baseline measured in the same run, and the ratio (see docs/performance.md).
# --quick runs each sustained figure for a few seconds (under two minutes in all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-test-deps.sh
bash scripts/ensure-console.sh
exec node_modules/.bin/tsx bench/run.ts "$@"
