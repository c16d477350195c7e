#!/usr/bin/env bash
# The check step of action.yml, run by the workflow as
#   bash --noprofile --norc -eo pipefail action-check.sh
# with the action's inputs in INPUT_* variables. Runs `npx abidrift check`
# on the inputs, writes the report where INPUT_OUTPUT says (SARIF by
# default), records the exit code as the step's `exit-code` output and ends
# 0, so the SARIF upload runs before the job fails on errors (exit 1) or bad
# input (exit 2).
set -eo pipefail

format=${INPUT_FORMAT:-sarif}
output=${INPUT_OUTPUT:-abidrift.sarif}
args=(check --format "$format")
# Text and GitHub annotations belong in the log; files are for SARIF and JSON.
case "$format" in
	sarif | json) args+=(--output "$output") ;;
	text | github) output="" ;;
	*)
		echo "::error title=abidrift::format must be sarif, json, text or github, not \"$format\""
		exit 2
		;;
esac
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
# Paths are separated by white space; none means the repository's top.
read -r -a paths <<<"${INPUT_PATHS:-.}"
args+=("${paths[@]}")

# The project's own abidrift when it has one (npm ci), else the version asked for.
if [ -x node_modules/.bin/abidrift ]; then
	npx=(npx --no-install abidrift)
else
	npx=(npx --yes "abidrift@${INPUT_VERSION:-latest}")
fi

echo "abidrift: ${npx[*]} ${args[*]}"
set +e
"${npx[@]}" "${args[@]}"
code=$?
set -e
{
	echo "exit-code=$code"
	echo "report=$output"
} >>"${GITHUB_OUTPUT:-/dev/null}"
case "$code" in
	0) echo "abidrift: no errors" ;;
	1) echo "::error title=abidrift::check found errors${output:+; see $output}" ;;
	*) echo "::error title=abidrift::check could not run (exit $code)" ;;
esac
exit 0
