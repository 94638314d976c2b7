#!/usr/bin/env bash
# The frontend example (examples/frontend) against the published schema: installs its pinned
# packages (npm ci), regenerates the TypeScript types and persisted-documents manifest from
# schema.graphql, fails if they differ from the committed ones, then type-checks the example
# (tsc --noEmit). An operation the schema no longer accepts fails codegen. Run by .ci/run;
# needs Node 20+ and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/../examples/frontend"

npm ci --no-audit --no-fund --loglevel=error
# Not --silent: it would hide which operation the schema refuses.
npm run --silent codegen
if ! git diff --exit-code -- src/gql || [ -n "$(git ls-files --others --exclude-standard -- src/gql)" ]; then
	git ls-files --others --exclude-standard -- src/gql
	echo "examples/frontend/src/gql is stale: run npm run codegen in examples/frontend and commit it"; exit 1
fi
npm run --silent typecheck
echo "frontend example: types and manifest fresh, example.ts type-checks"
