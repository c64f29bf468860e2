#!/usr/bin/env bash
# Python side of the token tests: a venv with the pinned requirements, then pytest.
# Needs the addon built (npm install in the repository root) and node on PATH.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
set +e
PATH="$PWD/.venv/bin:$PATH" .venv/bin/python -m pytest -q tests
code=$?
set -e
if [ "$code" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
exit "$code"
