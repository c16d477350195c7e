#!/bin/sh
# Fills directory $1 with links to node, npm, git and the shell's basics, and
# nothing else: a PATH as a fresh machine with only Node has it. Fails if an
# oracle (clang, llvm, bpftool, pahole, gcc, go, python3, chromium) is reachable.
set -eu
bare=$1
mkdir -p "$bare"
for tool in node npm npx git sh bash env cat ls mkdir rm cp mv ln chmod mktemp dirname basename uname id \
	readlink head tail grep sed sort tr wc tar gzip true false mkfifo truncate; do
	found=$(command -v "$tool" 2>/dev/null) && ln -sf "$found" "$bare/$tool"
done
for oracle in clang-16 clang llvm-objcopy-16 llvm-readelf-16 bpftool pahole gcc cc go python3 chromium strings; do
	if PATH="$bare" command -v "$oracle" >/dev/null 2>&1; then
		echo "bare-path: $oracle is reachable on the bare PATH $bare" >&2
		exit 1
	fi
done
