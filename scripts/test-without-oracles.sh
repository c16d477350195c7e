#!/bin/sh
# Runs the test suite as a fresh machine would: a PATH holding node, npm,
# git and the shell's basics, and none of the oracles (clang, llvm, bpftool,
# pahole, gcc, go, python3, chromium). Every oracle test must skip, visibly;
# none may fail or crash. Build first (npm run build): the CLI tests run dist/.
set -eu
cd "$(dirname "$0")/.."
bare=$(mktemp -d "${TMPDIR:-/tmp}/abidrift-bare-path.XXXXXX")
trap 'rm -rf "$bare"' EXIT
for tool in node npm npx git sh env cat ls mkdir rm cp mv ln chmod mktemp dirname basename uname id \
	readlink head tail grep sed sort tr wc tar gzip true false; do
	found=$(command -v "$tool" 2>/dev/null) && ln -s "$found" "$bare/$tool"
done
for oracle in clang-16 llvm-objcopy-16 bpftool pahole gcc go python3 chromium strings; do
	if PATH="$bare" command -v "$oracle" >/dev/null 2>&1; then
		echo "test-without-oracles: $oracle is still reachable on the bare PATH" >&2
		exit 1
	fi
done
echo "test-without-oracles: PATH=$bare ($(ls "$bare" | tr '\n' ' '))"
PATH="$bare" node node_modules/vitest/vitest.mjs run "$@"
