#!/usr/bin/env bash
# Runs every test of the solution (unit, bUnit, integration on real SQLite and PostgreSQL, e2e in real Chromium) and
# prints one plain closing line "N passed, N failed, N skipped". Installs Debian's chromium, swaks, awscli,
# python3-boto3 and postgresql when they are missing. Extra arguments go to `dotnet test` (e.g. --no-build).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v "${E2E_CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 && [ ! -x "${E2E_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "chromium not found: installing Debian's chromium for the e2e tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

# swaks, one of the real SMTP clients the SMTP tests drive.
if ! command -v swaks >/dev/null 2>&1; then
  echo "swaks not found: installing Debian's swaks for the SMTP tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq swaks >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq swaks >/dev/null
  fi
fi

# Debian's AWS CLI v2 and boto3, the other real clients the API tests drive (/usr/bin/aws, /usr/bin/python3).
if [ ! -x /usr/bin/aws ] || ! /usr/bin/python3 -c "import boto3" >/dev/null 2>&1; then
  echo "awscli or python3-boto3 not found: installing Debian's awscli and python3-boto3 for the API tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli python3-boto3 >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli python3-boto3 >/dev/null
  fi
fi

# PostgreSQL's initdb and pg_ctl, for the private cluster of the PostgreSQL tests (tests/Shared/PostgresCluster.cs).
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "initdb not found: installing Debian's postgresql for the PostgreSQL tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi

dotnet tool restore >/dev/null

# The real AWS SDKs for JavaScript that the API tests drive (tests/sdk-client, versions pinned in its lock file).
if [ ! -d tests/sdk-client/node_modules ]; then
  echo "installing the AWS SDK test client (npm ci)"
  npm ci --prefix tests/sdk-client --no-audit --no-fund >/dev/null
fi

# nodemailer, the other real SMTP client (tests/smtp-client, version pinned in its lock file).
if [ ! -d tests/smtp-client/node_modules ]; then
  echo "installing the nodemailer test client (npm ci)"
  npm ci --prefix tests/smtp-client --no-audit --no-fund >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# One project at a time, the e2e journeys last: run beside the Web suite on a 2-core machine, the browser journeys'
# waits (DKIM key generation, Blazor round trips) ran past their timeouts.
status=0
: > "$log"
while IFS= read -r project; do
  dotnet test "$project" "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then status=$rc; fi
done < <(find tests -name "*.csproj" -not -path "*/node_modules/*" | sort; find e2e -name "*.csproj" -not -path "*/node_modules/*" | sort)

# The VSTest summary line of each test project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
passed=0; failed=0; skipped=0; projects=0
while IFS= read -r line; do
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); projects=$((projects + 1))
done < <(grep -E '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log")

expected=$(find tests e2e -name "*.csproj" | wc -l)
if [ "$projects" -lt "$expected" ] && [ "$status" -eq 0 ]; then
  echo "only $projects of $expected test projects reported a result"
  status=1
fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran"
  status=1
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
