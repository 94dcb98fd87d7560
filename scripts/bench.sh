#!/usr/bin/env bash
# `npm run bench [-- --quick]`: prints start time and ingest throughput numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-test-deps.sh
bash scripts/ensure-console.sh
exec node_modules/.bin/tsx bench/run.ts "$@"
