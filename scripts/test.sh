#!/usr/bin/env bash
# The whole test suite (README's second command; .ci/run runs exactly this):
#   1. the Rust engine without Node (cargo test, napi feature off),
#   2. the native addon build, then the node:test suites against it, including parity with the
#      real better-auth package and the official client;
#   3. a smoke run of the benchmark harness (its conformance check, SQLite and PostgreSQL);
#   4. the FastAPI example's pytest suite (a venv with pinned requirements, from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
target="$(rustc -vV | sed -n 's/^host: //p')"

echo "== cargo test (engine, no Node) =="
cargo test --release --target "$target" --no-default-features

echo "== napi build =="
npm run --silent build

echo "== node --test =="
node --test --test-concurrency=1 __test__/

echo "== bench smoke: both servers answer the bench's requests the same way (SQLite, PostgreSQL) =="
BENCH_ONLY=conformance node bench/run.mjs
BENCH_ONLY=conformance BENCH_DB=postgres node bench/run.mjs

echo "== examples/fastapi (pytest: tokens verified by a Python backend) =="
bash examples/fastapi/run-tests.sh
