#!/usr/bin/env bash
# `npm run bench [-- --quick]`: prints start time and ingest throughput numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec node_modules/.bin/tsx bench/run.ts "$@"
