#!/usr/bin/env bash
# Bytes per accepted message, by table and index (docs/storage-and-retention.md#measured-sizes).
# Runs StorageFootprintTests (400 sends by a delegate through the real SendService into a real SQLite file), which copy
# the database before and after the load into $OUT, then diffs SQLite's dbstat per table and index.
# Needs the sqlite3 CLI (apt-get install -y sqlite3): the SQLite inside Microsoft.Data.Sqlite has no dbstat.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$(mktemp -d)}"
MESSAGES=400
if [[ "${SKIP_TEST:-}" != 1 ]]; then
  SESCONSOLE_FOOTPRINT_DIR="$OUT" dotnet test tests/Console.Web.Tests --no-build \
    --filter "FullyQualifiedName~StorageFootprintTests" --logger "console;verbosity=normal" | grep -E "bytes per accepted|Passed|Failed" || true
fi
for run in simulator delivered; do
  [[ -f "$OUT/$run-after.db" ]] || continue
  echo "== $run: bytes per accepted message (dbstat pgsize growth / $MESSAGES)"
  sqlite3 "$OUT/$run-after.db" <<SQL
ATTACH '$OUT/$run-before.db' AS b;
CREATE TEMP TABLE a AS SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name;
CREATE TEMP TABLE z AS SELECT name, SUM(pgsize) AS bytes FROM dbstat('b') GROUP BY name;
SELECT printf('%-52s %7.0f', a.name, (a.bytes - COALESCE(z.bytes, 0)) / $MESSAGES.0) FROM a LEFT JOIN z USING (name)
 WHERE a.bytes <> COALESCE(z.bytes, 0) ORDER BY a.name;
SELECT printf('%-52s %7.0f', 'outbox + attempt + events + usage (with indexes)', SUM(a.bytes - COALESCE(z.bytes, 0)) / $MESSAGES.0)
  FROM a LEFT JOIN z USING (name)
 WHERE a.name IN (SELECT name FROM sqlite_master WHERE tbl_name IN ('SendAttempts','SendEvents','OutboxMessages','UsageLedger'));
SQL
done
