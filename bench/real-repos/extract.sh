#!/bin/bash
# extract.sh <bare git dir> <dest>: check out HEAD, skipping blobs absent from the snapshot
set -e
g=$1; dest=$2
rm -rf "$dest"; mkdir -p "$dest"
idx=$(mktemp)
rm -f "$idx"
GIT_INDEX_FILE=$idx git --git-dir="$g" read-tree HEAD
missing=$(git --git-dir="$g" ls-tree -r HEAD | awk '$2=="blob"{print $3" "$4}' | while read h p; do git --git-dir="$g" cat-file -e "$h" 2>/dev/null || echo "$p"; done)
if [ -n "$missing" ]; then echo "$missing" | GIT_INDEX_FILE=$idx xargs -d '\n' git --git-dir="$g" rm -q --cached --; echo "$missing" > "$dest.missing"; fi
GIT_INDEX_FILE=$idx git --git-dir="$g" --work-tree="$dest" checkout-index -a -f --prefix="$dest/"
rm -f "$idx"
