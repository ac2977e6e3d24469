#!/usr/bin/env bash
# The one command that builds Portable and runs every test, on a machine that has only the .NET SDK,
# Node/npm and the base Debian image. It installs what the tests need, then prints
#   tests: N passed, N failed
# as its last line. Exit code 0 only when everything passed.
#
#   ./test.sh            build, check Native AOT publishing, run every test project
#   ./test.sh --no-aot   skip the two Native AOT publish checks (faster local loop)
set -euo pipefail
cd "$(dirname "$0")"

aot=1
for arg in "$@"; do
  case "$arg" in
    --no-aot) aot=0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

if [ -f package-lock.json ]; then
  step "npm ci (test engines pinned in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

step "dotnet build (Release, warnings are errors)"
dotnet build Portable.sln -c Release -nologo -v quiet -clp:ErrorsOnly

if [ "$aot" = 1 ]; then
  # Native AOT must stay possible for the Lambda and Cloud Run hosts; a trimming warning fails the build.
  # The ILCompiler links with clang and zlib; install them when a fresh machine lacks them.
  if ! dpkg -s clang zlib1g-dev >/dev/null 2>&1; then
    step "apt-get install clang zlib1g-dev (Native AOT linker prerequisites)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
  fi
  for project in Aws Gcp; do
    step "Native AOT publish check: src/$project"
    out=$(mktemp -d)
    dotnet publish "src/$project" -c Release -r linux-x64 -p:PublishAot=true -o "$out" -nologo -v quiet -clp:ErrorsOnly
    rm -rf "$out"
  done
fi

# The Cloud SQL state store tests run a throwaway PostgreSQL 15 cluster from Debian's package (tests/Engines/PostgresFixture.cs).
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  step "apt-get install postgresql-15 (state store test engine)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

# The compare report's test loads compare-report.html in headless Chromium from Debian's package (tests/Compare.Tests/HeadlessChromium.cs).
if [ ! -x /usr/bin/chromium ]; then
  step "apt-get install chromium (headless browser for the compare report test)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

step "dotnet test"
log=$(mktemp)
set +e
dotnet test Portable.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=0; failed=0
while read -r f p; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\2 \3/p' "$log")
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host crashed or a project failed to run: count it as a failure rather than a green line.
  failed=1
fi

printf '\n(%ss)\n' $((SECONDS - started))
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
