#!/usr/bin/env bash
# The packages as a user meets them: pack the built tarballs, install them with npm into blank
# projects OUTSIDE the workspace (with effect and zod as the host's own peer dependencies), and run
#   1. the README's "A taste" snippet, as written;
#   2. a plain-JS CRM host (scripts/pack-smoke.crm.mjs) on memory and PGlite storage;
#   2b. a CRM whose PostgreSQL database already has `public.customers` (scripts/pack-smoke.shared-db.mjs,
#       a fresh database per Node version; PACK_SMOKE_SHARED_DB=0 skips it);
#   2c. a plain-JS CRM with its own PostgreSQL tables in read-through mode (scripts/pack-smoke.readthrough.mjs:
#       no copy of its customers, no `effect` import; a rule, a task, the extraction and a completed call);
#   2d. an Effect host (scripts/pack-smoke.effect.mjs): layers, its own program, tracer and logger;
#   3. the CRM host on the oldest supported zod minor (4.0.x);
#   4. a host on effect 3, which npm refuses (peer conflict) and which, forced, fails on load with
#      Winback's message naming the versions; the same for a forced host on zod 3;
#   5. the README snippet as TypeScript against the packed declarations (tsc, strict, nodenext);
# on Node 22 (the workspace's) and, unless PACK_SMOKE_NODE24=0, on Node 24 (npm's `node` package).
# Needs `pnpm build` first. Usage: scripts/pack-smoke.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/winback-pack-smoke.XXXXXX")"
dbs=()
cleanup() {
  for db in "${dbs[@]}"; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export PATH="$root/node_modules/.bin:$PATH" # Node 22 from the workspace's `node` devDependency
npm_i() { npm install --no-audit --no-fund --loglevel=error "$@"; }
say() { printf -- '--- %s\n' "$*"; }

say "pack (pnpm pack turns workspace:* into versions and applies publishConfig)"
mkdir -p "$work/tarballs"
(cd "$root" && pnpm -r --filter './packages/**' pack --pack-destination "$work/tarballs" >/dev/null)
tarballs=("$work"/tarballs/*.tgz)
[ "${#tarballs[@]}" -eq 4 ] || { echo "expected 4 tarballs, got ${#tarballs[@]}" >&2; exit 1; }

# A blank project: `npm init`, the four tarballs and the peers a user installs next to them, plus
# the README's "A taste" exactly as written there (plain JS apart from the fence's language) and the
# CRM host. Installs run in parallel (npm's cache is shared); each logs to <dir>.log.
blank() { # name, npm install arguments...
  local dir="$work/$1"; shift
  mkdir -p "$dir" && cd "$dir" && npm init -y >/dev/null
  awk '/^## A taste/{on=1} on&&/^```ts/{code=1;next} code&&/^```/{exit} code' "$root/README.md" > taste.mjs
  [ -s taste.mjs ] || { echo "README has no 'A taste' snippet" >&2; return 1; }
  cp "$root/scripts/pack-smoke.crm.mjs" crm.mjs
  cp "$root/scripts/pack-smoke.shared-db.mjs" shared-db.mjs
  cp "$root/scripts/pack-smoke.effect.mjs" effect.mjs
  cp "$root/scripts/pack-smoke.readthrough.mjs" readthrough.mjs
  npm_i "$@"
}
say "install: five blank projects and Node 24, in parallel"
pids=()
blank host "${tarballs[@]}" effect@^4.1.0 zod@^4.0.0 pg@^8.23.1 typescript@~5.9.3 @types/node@22 >"$work/host.log" 2>&1 & pids+=($!)
blank host-zod40 "${tarballs[@]}" effect@^4.1.0 zod@~4.0.0 >"$work/host-zod40.log" 2>&1 & pids+=($!)
# effect 3: npm must refuse the peer conflict; the forced install (--legacy-peer-deps) is what we run.
( blank host-effect3 "${tarballs[@]}" effect@3 zod@^4.0.0 && echo "npm accepted effect 3 next to Winback" ) >"$work/host-effect3-strict.log" 2>&1 &
strict=$!
( sleep 1; blank host-effect3-forced --legacy-peer-deps "${tarballs[@]}" effect@3 zod@^4.0.0 ) >"$work/host-effect3.log" 2>&1 & pids+=($!)
( sleep 2; blank host-zod3-forced --legacy-peer-deps "${tarballs[@]}" effect@^4.1.0 zod@3 ) >"$work/host-zod3.log" 2>&1 & pids+=($!)
if [ "${PACK_SMOKE_NODE24:-1}" != 0 ]; then
  (mkdir -p "$work/node24" && cd "$work/node24" && npm init -y >/dev/null && npm_i node@24) >"$work/node24.log" 2>&1 & pids+=($!)
fi
for pid in "${pids[@]}"; do wait "$pid" || { tail -n 30 "$work"/*.log >&2; exit 1; }; done
wait "$strict" || true

nodes=(node)
[ "${PACK_SMOKE_NODE24:-1}" != 0 ] && nodes+=("$work/node24/node_modules/.bin/node")
cd "$work/host"
if grep -q 'from "effect"' crm.mjs shared-db.mjs readthrough.mjs; then echo "the CRM hosts must not import effect" >&2; exit 1; fi
say "a TypeScript host: the README's 'A taste' typechecks against the packed declarations"
cp taste.mjs taste.ts
npm pkg set type=module >/dev/null
printf '%s\n' '{ "compilerOptions": { "target": "es2023", "module": "nodenext", "moduleResolution": "nodenext", "strict": true,' \
  '  "noEmit": true, "skipLibCheck": true, "types": ["node"] }, "include": ["taste.ts"] }' > tsconfig.json
./node_modules/.bin/tsc -p . && echo "tsc: taste.ts typechecks"
for n in "${nodes[@]}"; do
  say "host on Node $("$n" -v): latest supported effect and zod"
  "$n" taste.mjs && echo "README 'A taste': ran"
  "$n" crm.mjs memory
  "$n" crm.mjs pglite
  "$n" effect.mjs
  if [ "${PACK_SMOKE_SHARED_DB:-1}" != 0 ]; then
    db="wb_pack_smoke_$$_${#dbs[@]}"
    dbs+=("$db")
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
    "$n" shared-db.mjs "postgres://postgres@127.0.0.1:5432/$db"
    db="wb_pack_smoke_$$_${#dbs[@]}"
    dbs+=("$db")
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
    "$n" readthrough.mjs "postgres://postgres@127.0.0.1:5432/$db"
  fi
done

say "host on zod 4.0.x (the oldest supported minor)"
cd "$work/host-zod40"
node -e 'const v = require("zod/package.json").version; if (!v.startsWith("4.0.")) throw new Error("zod " + v); console.log("zod " + v)'
node crm.mjs memory
node effect.mjs

say "host on effect 3: npm refuses the peer conflict"
grep -q 'peer effect@"\^4' "$work/host-effect3-strict.log" || { cat "$work/host-effect3-strict.log" >&2; exit 1; }
echo "npm: $(grep -m1 'peer effect' "$work/host-effect3-strict.log" | sed 's/npm error //')"
say "host on effect 3, forced (--legacy-peer-deps): Winback says what it needs on load"
cd "$work/host-effect3-forced"
if node taste.mjs >run.log 2>&1; then echo "Winback ran on effect 3" >&2; exit 1; fi
grep -q 'Winback needs effect \^4.1.0 (>=4.1.0 <5.0.0); this project has effect 3\.' run.log || { cat run.log >&2; exit 1; }
grep -m1 -o 'Winback needs effect.*; this project has effect [0-9.]*[0-9]' run.log

say "host on zod 3, forced (--legacy-peer-deps): Winback says what it needs on load"
cd "$work/host-zod3-forced"
if node taste.mjs >run.log 2>&1; then echo "Winback ran on zod 3" >&2; exit 1; fi
grep -q 'Winback needs zod \^4.0.0 (>=4.0.0 <5.0.0); this project has zod 3\.' run.log || { cat run.log >&2; exit 1; }
grep -m1 -o 'Winback needs zod.*; this project has zod [0-9.]*[0-9]' run.log

say "pack smoke: passed"
