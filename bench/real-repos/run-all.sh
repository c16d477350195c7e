#!/bin/bash
# run-all.sh [CLI] [OUTDIR] [TARGETS]
#   CLI     abidrift build entry (default /work/main/dist/cli/main.js)
#   OUTDIR  where results go (default /work/eval/out/<timestamp>)
#   TARGETS list of "<repo dir under /work/eval/repos> [subpath|.] [config file]" lines
#           (default /work/eval/targets.txt: zero configuration, no config column)
# Runs `check <repo> --no-lock` with zero configuration, json and text, 300 s timeout each.
# Per repo: <name>.json <name>.txt <name>.json.err <name>.txt.err, and one line in runs.tsv
# (name, format, exit code, seconds). Exit code 124 = timed out.
set -u
CLI=${1:-/work/main/dist/cli/main.js}
OUT=${2:-/work/eval/out/$(date -u +%Y%m%dT%H%M%S)}
TARGETS=${3:-$(dirname "$0")/targets.txt}
REPOS=${REPOS:-/work/eval/repos}
TIMEOUT=${TIMEOUT:-300}
mkdir -p "$OUT"
# Each check runs from inside its repository: paths given relative to here are made absolute first.
CLI=$(realpath "$CLI")
OUT=$(realpath "$OUT")
echo "cli=$CLI" > "$OUT/meta.txt"
git -C "$(dirname "$CLI")/../.." log -1 --format='commit=%H %s' >> "$OUT/meta.txt" 2>/dev/null || true
printf 'name\tformat\texit\tseconds\n' > "$OUT/runs.tsv"
# json for every repo first (what summarize.mjs reads), then text.
for fmt in ${FORMATS:-json text}; do
  grep -v '^\s*#' "$TARGETS" | while read -r repo sub cfg; do
  [ -z "$repo" ] && continue
  [ "$sub" = . ] && sub=
  target="$REPOS/$repo${sub:+/$sub}"
  name=$repo; [ -n "$sub" ] && name="$repo~$(printf %s "$sub" | tr / '~')"
  # A run with a config is named after it too, so it does not overwrite the zero-configuration run of the same tree.
  [ -n "${cfg:-}" ] && name="$name@$(basename "$cfg" .json)"
  cfgarg=()
  [ -n "${cfg:-}" ] && cfgarg=(--config "$cfg")
  if [ ! -d "$target" ]; then echo "skip $name: $target missing" >&2; continue; fi
    ext=$([ "$fmt" = json ] && echo json || echo txt)
    start=$(date +%s.%N)
    # Run from inside the repo, as a user would; stdin closed so nothing waits on a tty.
    (cd "$target" && timeout -k 10 "$TIMEOUT" node "$CLI" check . --no-lock --format "$fmt" "${cfgarg[@]}" \
        > "$OUT/$name.$ext" 2> "$OUT/$name.$ext.err" < /dev/null)
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    printf '%s\t%s\t%s\t%.1f\n' "$name" "$fmt" "$rc" "$secs" >> "$OUT/runs.tsv"
    printf '%-55s %-4s exit=%s %.1fs\n' "$name" "$fmt" "$rc" "$secs" >&2
  done
done
echo "results in $OUT" >&2
