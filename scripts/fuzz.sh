#!/usr/bin/env bash
# `npm run fuzz [-- vitest args]`: the property-based bad-input suites in their long mode.
# FUZZ_SCALE multiplies every suite's case count (default 20 here, 1 in `npm test`); FUZZ_SEED
# picks the seed (default: a new one each run, printed first, so a failure can be replayed with
# `FUZZ_SEED=<seed> npm run fuzz`). Each suite's time limit grows with FUZZ_SCALE too.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-test-deps.sh
export FUZZ_SCALE="${FUZZ_SCALE:-20}"
export FUZZ_SEED="${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "fuzzing with FUZZ_SEED=$FUZZ_SEED FUZZ_SCALE=$FUZZ_SCALE"
node_modules/.bin/vitest run --hookTimeout=600000 \
  apps/server/test/bad-input packages/channel-email/test/hostile-mail.test.ts apps/server/test/email-quarantine.test.ts \
  packages/channel-webform/src/conformance.test.ts packages/testing/src/relay.conformance.test.ts "$@"
status=$?
echo "fuzzing with FUZZ_SEED=$FUZZ_SEED FUZZ_SCALE=$FUZZ_SCALE ended with status $status"
exit $status
