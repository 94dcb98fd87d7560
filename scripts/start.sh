#!/usr/bin/env bash
# `npm start`: installs what is missing, then starts Centralita in demo mode on an embedded
# PostgreSQL (no database server to set up). CENTRALITA_DEMO=0 turns the demo off.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-console.sh
exec node --import tsx apps/cli/src/main.ts start --demo "$@"
