#!/usr/bin/env bash
# `npm run test:e2e:oldest [-- <version>]` — the e2e suite (e2e/run.mjs test) once against the oldest
# n8n 2.x the README claims, installed into .scratch/n8n-<version> (never into e2e/node_modules) with the
# same overrides and flags as e2e/package.json / e2e/setup.sh. Not part of CI: the install alone takes
# minutes. Extra arguments after the version go to run.mjs (e.g. --no-browser).
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$E2E_DIR/.." && pwd)"
VERSION=2.0.0
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then VERSION="$1"; shift; fi
DIR="$ROOT_DIR/.scratch/n8n-$VERSION"
say() { printf '[oldest] %s\n' "$*"; }

bash "$E2E_DIR/setup.sh" # the pack's toolchain and the pinned n8n (whose sandbox/undici the driver uses)
if [ ! -f "$DIR/.installed" ]; then
	mkdir -p "$DIR"
	# e2e/package.json with n8n swapped; xlsx: n8n 2.0.x fetches it from cdn.sheetjs.com, unreachable
	# offline, so the registry's 0.18.5 stands in.
	"$E2E_DIR/node_modules/.bin/node" -e '
		const [src, dst, version] = process.argv.slice(1);
		const pkg = JSON.parse(require("fs").readFileSync(src, "utf8"));
		pkg.name = "n8n-oldest-check";
		pkg.dependencies.n8n = version;
		pkg.overrides.xlsx = "0.18.5";
		require("fs").writeFileSync(dst, JSON.stringify(pkg, null, 2));
	' "$E2E_DIR/package.json" "$DIR/package.json" "$VERSION"
	say "installing n8n@$VERSION into $DIR (several minutes)…"
	(cd "$DIR" && npm install --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error)
	(cd "$DIR" && npm rebuild node)
	headers="$(ls -d "$DIR"/node_modules/node/node_modules/node-*/ 2>/dev/null | head -n 1)"
	headers="${headers%/}"
	if [ -f "$headers/include/node/common.gypi" ]; then export npm_config_nodedir="$headers"; fi
	(cd "$DIR" && PATH="$DIR/node_modules/.bin:$PATH" npm rebuild sqlite3)
	touch "$DIR/.installed"
fi
say "n8n $("$DIR/node_modules/.bin/node" -p "require('$DIR/node_modules/n8n/package.json').version") in $DIR"
HEYGEN_E2E_N8N_DIR="$DIR" exec "$E2E_DIR/node_modules/.bin/node" "$E2E_DIR/run.mjs" test "$@"
