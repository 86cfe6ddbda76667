#!/usr/bin/env bash
# The packages as a user meets them: pack the built tarballs, install them with npm into blank
# projects OUTSIDE the workspace (with effect and zod as the host's own peer dependencies), and run
#   1. the README's "A taste" snippet, as written;
#   2. a plain-JS CRM host (scripts/pack-smoke.crm.mjs) on memory and PGlite storage;
#   3. the CRM host on the oldest supported zod minor (4.0.x);
#   4. a host on effect 3, which npm refuses (peer conflict) and which, forced, fails on load with
#      Winback's message naming the versions;
# on Node 22 (the workspace's) and, unless PACK_SMOKE_NODE24=0, on Node 24 (npm's `node` package).
# Needs `pnpm build` first. Usage: scripts/pack-smoke.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/winback-pack-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export PATH="$root/node_modules/.bin:$PATH" # Node 22 from the workspace's `node` devDependency
npm_i() { npm install --no-audit --no-fund --loglevel=error "$@"; }
say() { printf -- '--- %s\n' "$*"; }

say "pack (pnpm pack turns workspace:* into versions and applies publishConfig)"
mkdir -p "$work/tarballs"
(cd "$root" && pnpm -r --filter './packages/**' pack --pack-destination "$work/tarballs" >/dev/null)
tarballs=("$work"/tarballs/*.tgz)
[ "${#tarballs[@]}" -eq 4 ] || { echo "expected 4 tarballs, got ${#tarballs[@]}" >&2; exit 1; }

# A blank project: `npm init`, the four tarballs and the peers a user installs next to them.
blank() { # name, extra npm args...
  local dir="$work/$1"; shift
  mkdir -p "$dir" && (cd "$dir" && npm init -y >/dev/null && npm_i "${tarballs[@]}" "$@")
  cp "$root/scripts/pack-smoke.crm.mjs" "$dir/crm.mjs"
  # The README's "A taste", exactly as written there (plain JS apart from the fence's language).
  awk '/^## A taste/{on=1} on&&/^```ts/{code=1;next} code&&/^```/{exit} code' "$root/README.md" > "$dir/taste.mjs"
  [ -s "$dir/taste.mjs" ] || { echo "README has no 'A taste' snippet" >&2; exit 1; }
}

nodes=(node)
if [ "${PACK_SMOKE_NODE24:-1}" != 0 ]; then
  say "Node 24 from npm's node package"
  mkdir -p "$work/node24" && (cd "$work/node24" && npm init -y >/dev/null && npm_i node@24)
  nodes+=("$work/node24/node_modules/.bin/node")
fi

say "host: latest supported effect and zod"
blank host effect@^4.1.0 zod@^4.0.0
for n in "${nodes[@]}"; do
  say "on Node $("$n" -v)"
  (cd "$work/host" && "$n" taste.mjs && echo "README 'A taste': ran" && "$n" crm.mjs memory && "$n" crm.mjs pglite)
done
! grep -q '"effect"' <(cd "$work/host" && sed -n '/import/p' crm.mjs) || { echo "the CRM host must not import effect" >&2; exit 1; }

say "host on zod 4.0.x (the oldest supported minor)"
blank host-zod40 effect@^4.1.0 zod@~4.0.0
(cd "$work/host-zod40" && node -e 'const v=require("zod/package.json").version; if(!v.startsWith("4.0.")) throw new Error("zod "+v); console.log("zod "+v)' && node crm.mjs memory)

say "host on effect 3: npm refuses the peer conflict"
mkdir -p "$work/host-effect3" && cd "$work/host-effect3" && npm init -y >/dev/null
if npm_i "${tarballs[@]}" effect@3 zod@^4.0.0 >install.log 2>&1; then echo "npm accepted effect 3 next to Winback" >&2; exit 1; fi
grep -q 'peer effect@"\^4' install.log || { cat install.log >&2; exit 1; }
echo "npm: $(grep -m1 'peer effect' install.log | sed 's/npm error //')"
say "host on effect 3, forced (--legacy-peer-deps): Winback says what it needs on load"
npm_i --legacy-peer-deps "${tarballs[@]}" effect@3 zod@^4.0.0
cp "$work/host/taste.mjs" .
if node taste.mjs >run.log 2>&1; then echo "Winback ran on effect 3" >&2; exit 1; fi
grep -q 'Winback needs effect \^4.1.0 (>=4.1.0 <5.0.0); this project has effect 3\.' run.log || { cat run.log >&2; exit 1; }
grep -m1 -o 'Winback needs effect[^.]*\.[^;]*; this project has effect [0-9.]*' run.log

say "pack smoke: passed"
