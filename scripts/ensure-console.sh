#!/usr/bin/env bash
# Builds the agent console (apps/console/dist) when it is missing or older than its sources, so
# `npm start` serves a console that matches the code. A second start costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=apps/console/dist/index.html
if [ -f "$dist" ] && [ -z "$(find apps/console/src apps/console/index.html apps/console/vite.config.ts -newer "$dist" -print -quit)" ]; then
  exit 0
fi
echo "Building the console (vite)..."
NODE_ENV=production node node_modules/vite/bin/vite.js build --config apps/console/vite.config.ts --logLevel warn
