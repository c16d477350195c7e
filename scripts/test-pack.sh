#!/bin/sh
# The package as a user gets it: `npm pack`, then `npm install ./abidrift-X.tgz`
# into an empty directory (no dev dependencies), from npm's cache where it
# can: `npm ci` caches the dependencies' tarballs, but npm 11 resolves the
# tarball's version ranges from full registry documents that `npm ci` never
# fetches, so those are asked of the registry. Then the installed CLI, with
# only node on PATH, on a copy of the bundled example: --version, check,
# layout, audit and gen ts, each with the exit code and output it must give.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/abidrift-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "test-pack: $*" >&2; exit 1; }

npm pack --silent --pack-destination "$work" >"$work/pack.out"
tarball="$work/$(tail -n 1 "$work/pack.out")"
[ -f "$tarball" ] || fail "npm pack made no tarball ($(cat "$work/pack.out"))"
# Only what the package needs: the build, schemas, grammars, rule docs, README.
tar -tzf "$tarball" | sed 's#^package/##' | sort >"$work/files"
unexpected=$(grep -vE '^(dist/.*\.(js|d\.ts)|schemas/[^/]*\.json|grammars/tree-sitter-(c|go|python)\.wasm|docs/rules/[^/]*\.md|README\.md|package\.json)$' "$work/files" || true)
[ -z "$unexpected" ] || fail "unexpected files in the package: $unexpected"
for f in dist/cli/main.js dist/index.js dist/index.d.ts grammars/tree-sitter-c.wasm grammars/tree-sitter-go.wasm \
	grammars/tree-sitter-python.wasm schemas/lock.schema.json docs/rules/struct-mismatch.md; do
	grep -qx "$f" "$work/files" || fail "$f missing from the package"
done

app="$work/app"
mkdir "$app"
cd "$app"
echo '{ "name": "app", "private": true }' >package.json
npm install --prefer-offline --omit=dev --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
cp -r "$repo/examples/dns-monitor" example

bare="$work/bin"
sh "$repo/scripts/bare-path.sh" "$bare"
run() { PATH="$bare" npx --offline --no-install abidrift "$@"; }

version=$(run --version)
[ "$version" = "$(node -p 'require(process.argv[1]).version' "$repo/package.json")" ] || fail "--version says $version"

set +e
run check example >check.out 2>check.err
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check of the example: exit $rc, not 1 ($(cat check.err))"
grep -q "struct-mismatch" check.out || fail "check of the example reports no struct-mismatch: $(cat check.out)"

run layout example/bpf/dnsmon.bpf.o --type dns_event >layout.out
grep -q "struct dns_event {" layout.out || fail "layout printed no struct dns_event: $(cat layout.out)"
run layout example/bpf/dnsmon.bpf.c --type dns_key >layout-c.out
grep -q "struct dns_key {" layout-c.out || fail "layout of the C source printed no struct dns_key"

set +e
run audit example -o audit.html >audit.out 2>audit.err
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "audit of the example: exit $rc, not 1 ($(cat audit.err))"
grep -q "</html>" audit.html || fail "audit wrote no HTML page"

run gen ts example/bpf/dnsmon.bpf.o --type dns_event -o gen/dns_event.ts
grep -q "@abidrift-generated" gen/dns_event.ts || fail "gen ts wrote no module to gen/dns_event.ts"

# The library, as a user's own code imports it.
cat >use.mjs <<'JS'
import { check, VERSION } from "abidrift";
const { findings } = await check({ paths: ["example"] });
if (!findings.some((f) => f.severity === "error") || !VERSION) process.exit(1);
JS
PATH="$bare" node use.mjs || fail "the library's check found no error in the example"

echo "test-pack: $(basename "$tarball") ($(wc -l <"$work/files") files, $(du -k "$tarball" | cut -f1) KiB) installs into an empty directory and runs check, layout, audit and gen ts"
