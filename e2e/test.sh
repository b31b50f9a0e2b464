#!/usr/bin/env bash
# `npm run test:e2e` — the example workflows as assertions in a real n8n 2.41.1 against the HeyGen
# sandbox, plus the editor check in Chromium (skipped with a clear line when Chromium is missing).
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
start=$(date +%s)
bash "$E2E_DIR/setup.sh"
echo "[setup] done in $(( $(date +%s) - start )) s"
exec "$E2E_DIR/node_modules/.bin/node" "$E2E_DIR/run.mjs" test "$@"
