#!/bin/sh
# Runs the test suite as a fresh machine would: a PATH holding node, npm,
# git and the shell's basics, and none of the oracles. Every oracle test must
# skip, visibly; none may fail or crash. Build first (npm run build): the CLI
# tests run dist/.
set -eu
cd "$(dirname "$0")/.."
bare=$(mktemp -d "${TMPDIR:-/tmp}/abidrift-bare-path.XXXXXX")
trap 'rm -rf "$bare"' EXIT
sh scripts/bare-path.sh "$bare"
echo "test-without-oracles: PATH=$bare ($(ls "$bare" | tr '\n' ' '))"
PATH="$bare" node node_modules/vitest/vitest.mjs run "$@"
