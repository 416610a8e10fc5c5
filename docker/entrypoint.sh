#!/bin/sh
# Container start: bring the schema up to date, then serve. `cchcd migrate`
# takes an advisory lock, so several replicas starting together are safe.
set -e
cchcd migrate
exec cchcd serve "$@"
