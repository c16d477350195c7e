#!/bin/sh
# `npm run example`: abidrift's main job, `check`, on the bundled example.
# The example plants one bug per userspace file (examples/dns-monitor/README.md),
# so check must exit 1, as it would fail a CI job; anything else is a failure.
node dist/cli/main.js check examples/dns-monitor
rc=$?
if [ "$rc" -eq 1 ]; then
	echo
	echo "exit 1: the bugs examples/dns-monitor/README.md plants, each at its line with its fix."
	exit 0
fi
echo "example: expected exit 1 (the example plants bugs), got $rc" >&2
exit 1
