#!/usr/bin/env bash
# The whole test suite: README's second command (`npm test`); .ci/run runs exactly this after
# `npm install`. On two cores, about 15 minutes with everything in place, plus up to ~3 minutes
# the first time for what it installs.
#
# 0. prerequisites, installed when missing (it says what it does; when something cannot be had
#    it stops with one message saying what to run):
#      - the root dependencies (`npm install`, which builds the addon) when node_modules is absent,
#      - Debian's Chromium for the browser tests (`apt-get install chromium`, as root with apt;
#        CHROMIUM_PATH=... uses another build, SKIP_E2E=1 skips the browser tests),
#      - examples/nextjs's dependencies (`npm ci` there; better-auth-rs is copied in, install-links),
#      - the FastAPI example's venv (python3 -m venv + pip install of its pinned requirements),
#      - Zig and cargo-zigbuild (PyPI, pinned, in a venv in ~/.cache/better-auth-rs) on Linux,
#      - reachable PostgreSQL and MariaDB/MySQL (BA_RS_PG_URL, BA_RS_MYSQL_URL; not installed here).
# Then every stage runs, and reports, even when an earlier one failed:
#   1. the Rust engine without Node (cargo test, napi feature off),
#   2. the native addon build, then the published packages (`npm run pack:local`: the platform
#      binary via Zig against glibc 2.17, the dist/ tarballs),
#   3. the node:test suites against it, including parity with the real better-auth package, the
#      official client and the browser e2e,
#   4. a smoke run of the benchmark harness (its conformance check, SQLite and PostgreSQL),
#   5. the FastAPI example's pytest suite.
# One summary table at the end; the exit status is non-zero when any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/better-auth-rs-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT
export NEXT_TELEMETRY_DISABLED=1
# Node's own headers for native dev dependencies (better-sqlite3) built from source, so node-gyp
# does not download them; only when npm has no nodedir of its own.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  case "$(npm config get nodedir 2>/dev/null)" in "" | undefined | null) export npm_config_nodedir=/usr ;; esac
fi

SUMMARY=() # "stage<TAB>result<TAB>tests<TAB>seconds"
FAILED=()
add_row() { SUMMARY+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"); }
duration() { printf '%dm %02ds' $(($1 / 60)) $(($1 % 60)); }

print_summary() {
  echo
  echo "== summary =="
  printf '%-46s %-7s %-44s %s\n' "stage" "result" "tests" "time"
  local row stage result tests secs
  for row in "${SUMMARY[@]}"; do
    IFS=$'\t' read -r stage result tests secs <<<"$row"
    printf '%-46s %-7s %-44s %s\n' "$stage" "$result" "$tests" "$(duration "$secs")"
  done
}

# ---------------------------------------------------------------------------------------------
# 0. prerequisites

echo "== prerequisites =="
PREREQ_START=$SECONDS
MISSING=()   # what cannot be had, each with what to run
INSTALLED=() # what this run installed
is_root() { [ "$(id -u)" = 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }
APT_UPDATED=
apt_install() { # packages...
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq || return 1; APT_UPDATED=1; fi
  apt-get install -y -qq "$@" >/dev/null
}

if have cargo && have rustc; then
  echo "Rust: $(cargo --version)"
else
  MISSING+=("Rust (cargo, rustc 1.94+): install it from https://rustup.rs")
fi

if [ -d node_modules/@napi-rs/cli ] && [ -d node_modules/better-auth ]; then
  echo "root dependencies: node_modules present"
elif ! have cargo; then
  MISSING+=("root dependencies: run \`npm install\` once Rust is installed (it builds the addon)")
else
  echo "root dependencies: node_modules missing; running npm install (locked versions, builds the addon; several minutes the first time)..."
  if npm install --no-audit --no-fund; then INSTALLED+=("npm install"); else
    MISSING+=("root dependencies: \`npm install\` failed (output above); fix that, then run it again")
  fi
fi

if [ "${SKIP_E2E:-}" = 1 ]; then
  echo "Chromium, examples/nextjs: SKIP_E2E=1, browser tests skipped"
else
  CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM" ] && is_root && have apt-get; then
    echo "Chromium: $CHROMIUM missing; installing Debian's chromium (apt-get install chromium, 1-2 minutes)..."
    if apt_install chromium; then INSTALLED+=("chromium (apt)"); else echo "apt-get could not install chromium"; fi
  fi
  if [ -x "$CHROMIUM" ]; then
    echo "Chromium: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null | head -n 1))"
  elif [ -n "${CHROMIUM_PATH:-}" ]; then
    MISSING+=("Chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; point it at a Chromium, or unset it to use Debian's (/usr/bin/chromium), or set SKIP_E2E=1 to skip the browser tests")
  elif is_root && have apt-get; then
    MISSING+=("Chromium: \`apt-get install chromium\` failed (output above); run \`apt-get update && apt-get install -y chromium\`, or set SKIP_E2E=1 to skip the browser tests")
  else
    MISSING+=("Chromium for the browser tests: run \`sudo apt-get update && sudo apt-get install -y chromium\` (Debian/Ubuntu), or set CHROMIUM_PATH=/path/to/chromium, or SKIP_E2E=1 to skip them")
  fi

  if [ -f examples/nextjs/node_modules/next/package.json ]; then
    echo "examples/nextjs: node_modules present"
  elif [ ! -d node_modules/@napi-rs/cli ]; then
    MISSING+=("examples/nextjs dependencies: need the root ones first (\`npm install\`), then \`(cd examples/nextjs && npm ci)\`")
  else
    echo "examples/nextjs: node_modules missing; running npm ci there (next, react, better-auth; better-auth-rs copied in, about a minute)..."
    if (cd examples/nextjs && npm ci --no-audit --no-fund); then INSTALLED+=("examples/nextjs npm ci"); else
      MISSING+=("examples/nextjs dependencies: \`npm ci\` failed (output above); run \`(cd examples/nextjs && npm ci)\`")
    fi
  fi
fi

VENV=examples/fastapi/.venv
if [ -x "$VENV/bin/python" ]; then
  echo "FastAPI venv: $VENV present"
else
  if ! { have python3 && python3 -c "import venv, ensurepip" 2>/dev/null; } && is_root && have apt-get; then
    echo "FastAPI venv: python3 with venv missing; installing Debian's python3-venv (apt-get)..."
    if apt_install python3 python3-venv; then INSTALLED+=("python3-venv (apt)"); fi
  fi
  if ! { have python3 && python3 -c "import venv, ensurepip" 2>/dev/null; }; then
    MISSING+=("Python 3 with venv for the FastAPI example: run \`sudo apt-get install -y python3 python3-venv\` (Debian/Ubuntu) or install Python 3.10+")
  else
    echo "FastAPI venv: creating $VENV and installing examples/fastapi/requirements.txt (pinned, from PyPI)..."
    if python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet --disable-pip-version-check -r examples/fastapi/requirements.txt; then
      INSTALLED+=("FastAPI venv")
    else
      rm -rf "$VENV"
      MISSING+=("FastAPI venv: pip could not install examples/fastapi/requirements.txt (output above; PyPI reachable?); run \`python3 -m venv $VENV && $VENV/bin/pip install -r examples/fastapi/requirements.txt\`")
    fi
  fi
fi

# Zig and cargo-zigbuild build the published linux-x64-gnu binary against glibc 2.17 (stage "npm
# packages"): PyPI's ziglang and cargo-zigbuild, pinned in scripts/build-dist.mjs, in a venv in
# the machine's cache (~/.cache/better-auth-rs). Other hosts build their platform package with cargo.
if [ "$(uname -s)" = Linux ]; then
  ZIG_VENV="$(node --input-type=module -e 'const m = await import("./scripts/build-dist.mjs"); console.log(m.ZIG_VENV)')"
  if [ -x "$ZIG_VENV/bin/cargo-zigbuild" ]; then
    echo "Zig tools: $ZIG_VENV present"
  elif ! { have python3 && python3 -c "import venv, ensurepip" 2>/dev/null; }; then
    MISSING+=("Python 3 with venv for Zig and cargo-zigbuild (PyPI): run \`sudo apt-get install -y python3 python3-venv\` (Debian/Ubuntu)")
  else
    echo "Zig tools: installing ziglang and cargo-zigbuild (PyPI, pinned) into $ZIG_VENV..."
    if node scripts/build-dist.mjs --tools-only; then INSTALLED+=("Zig tools (PyPI)"); else
      MISSING+=("Zig tools: pip could not install ziglang/cargo-zigbuild (output above; PyPI reachable?); run \`node scripts/build-dist.mjs --tools-only\`")
    fi
  fi
fi

# The database servers the parity, hostile-input, fault and bench suites use (not installed here).
DB_CHECK="$(node -e '
  const net = require("node:net");
  const dbs = [["PostgreSQL", "BA_RS_PG_URL", process.env.BA_RS_PG_URL || "postgres://postgres@127.0.0.1:5432/test", 5432],
               ["MariaDB/MySQL", "BA_RS_MYSQL_URL", process.env.BA_RS_MYSQL_URL || "mysql://root@127.0.0.1:3306/test", 3306]];
  Promise.all(dbs.map(([name, env, url, port]) => new Promise((done) => {
    const u = new URL(url);
    const where = `${u.hostname}:${u.port || port}`;
    const s = net.connect({ host: u.hostname, port: Number(u.port || port) });
    s.setTimeout(3000);
    s.on("connect", () => { s.destroy(); done(`ok\t${name}: ${where}`); });
    const fail = () => { s.destroy(); done(`missing\t${name} at ${where} (${env}) is not answering: start it, or set ${env} to a reachable server`); };
    s.on("timeout", fail); s.on("error", fail);
  }))).then((lines) => console.log(lines.join("\n")));
' 2>&1)"
while IFS=$'\t' read -r state text; do
  case "$state" in
    ok) echo "$text" ;;
    missing) MISSING+=("$text") ;;
    *) [ -n "$state$text" ] && MISSING+=("database check: $state $text") ;;
  esac
done <<<"$DB_CHECK"

if [ ${#MISSING[@]} -gt 0 ]; then
  echo
  echo "npm test cannot run: missing prerequisites. Run, then \`npm test\` again:" >&2
  for m in "${MISSING[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
installed="nothing installed"
if [ ${#INSTALLED[@]} -gt 0 ]; then installed="installed: $(IFS=,; echo "${INSTALLED[*]}" | sed 's/,/, /g')"; fi
echo "prerequisites ready ($installed)"
add_row "prerequisites" "ready" "$installed" $((SECONDS - PREREQ_START))

# ---------------------------------------------------------------------------------------------
# 1-5. stages: each runs whatever happened before, its output intact.

# stage NAME COUNTER tee|direct COMMAND...: `tee` copies the output to a file COUNTER reads (stderr
# joins stdout first, or libtest's `test result:` line, written in pieces, interleaves with
# cargo's `Running` lines); `direct` leaves both streams alone (node:test picks its reporter from
# stdout) and COUNTER reads its own file
stage() {
  local name=$1 counter=$2 mode=$3
  shift 3
  local log="$LOGS/stage-${#SUMMARY[@]}.log" start=$SECONDS rc
  echo
  echo "== $name =="
  if [ "$mode" = tee ]; then
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
  else
    "$@"
    rc=$?
  fi
  local counts
  counts="$("$counter" "$log" 2>/dev/null)"
  if [ "$rc" -eq 0 ]; then add_row "$name" "passed" "${counts:--}" $((SECONDS - start)); else
    add_row "$name" "FAILED" "${counts:-exit status $rc}" $((SECONDS - start))
    FAILED+=("$name")
  fi
}

no_counts() { :; }
cargo_counts() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i } n++ }
       END { if (n) printf "%d passed, %d failed, %d ignored", p, f, g }' "$1"
}
# node:test's closing lines (`# pass N`...) in the TAP copy written beside the console reporter
node_counts() {
  awk '/^# (tests|pass|fail|cancelled|skipped|todo) [0-9]+$/ { v[$2] = $3 }
       END { if ("pass" in v) { s = v["pass"] " passed, " v["fail"] " failed"
             if (v["cancelled"]) s = s ", " v["cancelled"] " cancelled"
             if (v["skipped"]) s = s ", " v["skipped"] " skipped"
             if (v["todo"]) s = s ", " v["todo"] " todo"
             print s } }' "$1"
}
pytest_counts() { grep -E '[0-9]+ (passed|failed|error)' "$1" | tail -n 1 | sed -E 's/^=+ //; s/ in [0-9.]+s.*$//'; }

node_suite() {
  # the console reporter stays node's default for this terminal (spec on a TTY, else TAP);
  # a TAP copy goes to a file for the summary's counts
  local console=tap
  [ -t 1 ] && console=spec
  node --test --test-concurrency=1 \
    --test-reporter="$console" --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$LOGS/node.tap" \
    __test__/
}
node_counts_tap() { node_counts "$LOGS/node.tap"; }

target="$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')"
stage "cargo test (engine, no Node)" cargo_counts tee cargo test --release --target "$target" --no-default-features
stage "napi build" no_counts direct npm run --silent build
# the published packages: this platform's binary (dist profile; on Linux via Zig against glibc
# 2.17, its symbol versions checked) and the dist/ tarballs, which __test__/packages.test.mjs
# installs into a fresh app without Rust on PATH during the node suites
stage "npm packages (pack:local)" no_counts direct npm run --silent pack:local
stage "node --test" node_counts_tap direct node_suite
stage "bench smoke: conformance on SQLite" no_counts direct env BENCH_ONLY=conformance node bench/run.mjs
stage "bench smoke: conformance on PostgreSQL" no_counts direct env BENCH_ONLY=conformance BENCH_DB=postgres node bench/run.mjs
stage "examples/fastapi (pytest)" pytest_counts tee bash examples/fastapi/run-tests.sh

print_summary
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "npm test: FAILED (${#FAILED[@]} of $((${#SUMMARY[@]} - 1)) stages): $(IFS=,; echo "${FAILED[*]}" | sed 's/,/, /g')"
  exit 1
fi
echo "npm test: all $((${#SUMMARY[@]} - 1)) stages passed"
