#!/usr/bin/env bash
# `npm run test:queue` — the pack in n8n's queue mode (main + 2 workers, Redis, PostgreSQL, binary data in
# the database) under load and faults. Installs what is missing first: the real n8n (e2e/setup.sh), and
# Debian's redis-server and PostgreSQL (as root, like CI), plus the unprivileged `postgres` user that
# initdb needs. Everything the run starts is stopped by its own PID (run.mjs traps SIGINT/SIGTERM).
set -euo pipefail
QUEUE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_DIR="$(cd "$QUEUE_DIR/.." && pwd)"
say() { printf '[setup] %s\n' "$*"; }

bash "$E2E_DIR/setup.sh"

have_initdb() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_initdb || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then say "missing: ${missing[*]} — install them (apt-get install -y ${missing[*]}) or run as root"; exit 1; fi
	say "installing ${missing[*]} from Debian…"
	apt-get update -qq
	# policy-rc.d: the packages' own services must not start (we run private instances on free ports).
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	rm -f /usr/sbin/policy-rc.d
fi
if ! id postgres >/dev/null 2>&1; then
	say "creating the system user 'postgres' (initdb refuses to run as root)"
	useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi
say "redis $(redis-server --version | grep -o 'v=[0-9.]*'), postgres $( (ls -d /usr/lib/postgresql/*/ 2>/dev/null || true) | xargs -n1 basename 2>/dev/null | sort -n | tail -1)"
exec "$E2E_DIR/node_modules/.bin/node" "$QUEUE_DIR/run.mjs" "$@"
