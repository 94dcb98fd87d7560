#!/usr/bin/env bash
# `npm test`: the whole check a new user or CI runs on a fresh machine.
# Installs what is missing, then lints and formats (Biome), type-checks (strict tsc) and runs every
# test (Vitest) against a real PostgreSQL: TEST_DATABASE_URL, else the machine's on
# 127.0.0.1:5432, else an embedded one the test set-up starts itself. Every step runs even when
# an earlier one fails, and the last line is always "N passed, N failed" for everything.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-test-deps.sh

failed_checks=0
passed_checks=0
check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed_checks=$((passed_checks + 1)); else failed_checks=$((failed_checks + 1)); echo "!! $name failed"; fi
}

# A PostgreSQL that was installed but stopped (the machine's own) is started rather than replaced.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
  for v in $(ls /etc/postgresql 2>/dev/null); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
fi

check "lint and format (biome)" node_modules/.bin/biome ci --error-on-warnings --reporter=summary .
check "type-check (tsc --strict)" node_modules/.bin/tsc -p tsconfig.json --noEmit

mkdir -p .centralita
report=.centralita/vitest-report.json
rm -f "$report"
echo "== tests (vitest)"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_status=$?

read -r tests_passed tests_failed < <(node -e '
  const fs = require("fs");
  try {
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    // A suite that failed to load counts as a failure even though none of its tests ran.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + broken);
  } catch { console.log(0, 1); }
' "$report")
if [ "$vitest_status" -ne 0 ] && [ "$tests_failed" -eq 0 ]; then tests_failed=1; fi

passed=$((tests_passed + passed_checks))
failed=$((tests_failed + failed_checks))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
