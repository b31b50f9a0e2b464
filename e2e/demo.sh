#!/usr/bin/env bash
# `npm run demo` — the example workflows in a real n8n 2.41.1 against the local HeyGen sandbox.
#   npm run demo                      sandbox (no key needed)
#   npm run demo -- --editor          …then keep n8n running at http://127.0.0.1:5678 (N8N_PORT) until Ctrl-C
#   npm run demo -- --only 1,2        only some examples
#   HEYGEN_API_KEY=… npm run demo -- --heygen    against HeyGen itself (real uploads, real videos)
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
start=$(date +%s)
bash "$E2E_DIR/setup.sh"
echo "[setup] done in $(( $(date +%s) - start )) s"
exec "$E2E_DIR/node_modules/.bin/node" "$E2E_DIR/run.mjs" demo "$@"
