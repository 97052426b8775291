#!/usr/bin/env bash
# Province benchmark, on loopback only: S department sites (default 200, ~30
# pages each) queued in a PostgreSQL cluster started here, scanned by 1, 2
# and 3 `govscan worker`s (the same total work each time), and once by one
# `govscan scan` with the SQLite store for comparison.
#
#   benches/province.sh [S]
#
# Prints per run: wall time, CPU of all workers, the database's size, and the
# coordination's own cost from pg_stat_statements (claims, lease renewals,
# completions: calls and execution time). On a 2-core machine with
# PostgreSQL beside the workers this measures overhead and contention, not
# scaling: each added worker competes for the same two cores.
#
# Needs PostgreSQL's server programs (Debian: postgresql), psql and
# /usr/bin/time (Debian: time). Run as root, the cluster runs as `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
sites=${1:-200}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 2; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "needs PostgreSQL: apt-get install postgresql" >&2; exit 2; }

cargo build --release -q
bin=$PWD/target/release/govscan
tmp=$(mktemp -d)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
pgport=$(( 30000 + RANDOM % 20000 ))
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -A trust -U govscan --no-sync > /dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w -o \
  "-p $pgport -k $tmp -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c max_connections=200" start > /dev/null
sql() { psql -qAt -h 127.0.0.1 -p "$pgport" -U govscan -d "$1" -c "$2"; }
sql postgres "CREATE DATABASE province" > /dev/null
sql province "CREATE EXTENSION pg_stat_statements" > /dev/null
db="postgres://govscan@127.0.0.1:$pgport/province"

port=$(( 20000 + RANDOM % 10000 ))
"$bin" demo --serve-only --bench --port "$port" --now 2026-11-23 --write-sites "$tmp/sites.csv" \
  --articles 40 --extra-sites "$((sites - 2))" --extra-site-pages 30 > "$tmp/server.log" 2>&1 &
server=$!
trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop > /dev/null 2>&1 || true; kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
  grep -q "按 Ctrl-C 停止" "$tmp/server.log" 2>/dev/null && break
  sleep 0.1
done
# Same options for every run. Every site is on 127.0.0.1 (one group): the
# group limit is set high, so that this measures coordination, not politeness;
# --full makes every run fetch everything (no 304s from the previous run).
scan_opts=(--offline --resolve "*:$port:127.0.0.1" --now 2026-11-23 --rate 0 --concurrency 64
  --site-concurrency 8 --timeout 10 --render never --ipv6 off --full -q)

/usr/bin/time -f "%e %U %S %M" -o "$tmp/single.time" "$bin" scan --sites "$tmp/sites.csv" \
  --out "$tmp/single" --db "$tmp/single.db" --parallel-sites 12 "${scan_opts[@]}" > /dev/null 2>&1
read -r w u s m < "$tmp/single.time"
printf '%-28s wall %6.2f s  CPU %6.2f s  peak RSS %5.0f MB  SQLite file %s\n' "govscan scan (1 process)" \
  "$w" "$(echo "$u $s" | awk '{print $1+$2}')" "$(echo "$m" | awk '{print $1/1024}')" "$(du -h "$tmp/single.db" | cut -f1)"

sql postgres "CREATE DATABASE single" > /dev/null
/usr/bin/time -f "%e %U %S %M" -o "$tmp/single-pg.time" "$bin" scan --sites "$tmp/sites.csv" \
  --out "$tmp/single-pg" --db "postgres://govscan@127.0.0.1:$pgport/single" --parallel-sites 12 "${scan_opts[@]}" > /dev/null 2>&1
read -r w u s m < "$tmp/single-pg.time"
printf '%-28s wall %6.2f s  CPU %6.2f s  peak RSS %5.0f MB  database %s\n' "govscan scan --db postgres" \
  "$w" "$(echo "$u $s" | awk '{print $1+$2}')" "$(echo "$m" | awk '{print $1/1024}')" "$(sql single "SELECT pg_size_pretty(pg_database_size('single'))")"

for workers in 1 2 3; do
  run="bench-$workers"
  "$bin" queue --db "$db" --sites "$tmp/sites.csv" --run "$run" --group-concurrency 1000 "${scan_opts[@]}" > /dev/null 2>&1
  sql province "SELECT pg_stat_statements_reset()" > /dev/null
  per=$(( 12 / workers ))
  start=$(date +%s.%N)
  pids=()
  for i in $(seq 1 "$workers"); do
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/w$i.time" "$bin" worker --db "$db" --run "$run" \
      --name "w$i" --parallel-sites "$per" --quiet > /dev/null 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  end=$(date +%s.%N)
  cpu=$(cat "$tmp"/w*.time | awk '{c += $2 + $3} END {print c}')
  rss=$(cat "$tmp"/w*.time | awk '$4 > m {m = $4} END {print m/1024}')
  done_jobs=$(sql province "SELECT COUNT(*) FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.name = '$run' AND j.state = 'done'")
  size=$(sql province "SELECT pg_size_pretty(pg_database_size('province'))")
  coord=$(sql province "SELECT COALESCE(SUM(calls), 0) || ' calls, ' || ROUND(COALESCE(SUM(total_exec_time), 0)::numeric, 1) || ' ms'
      FROM pg_stat_statements WHERE query ~* '(FOR UPDATE SKIP LOCKED|pg_advisory_xact_lock|SET lease_until|SET state)'")
  writes=$(sql province "SELECT COALESCE(SUM(calls), 0) || ' calls, ' || ROUND(COALESCE(SUM(total_exec_time), 0)::numeric, 1) || ' ms'
      FROM pg_stat_statements WHERE query ~* 'INSERT INTO fetches'")
  printf '%-28s wall %6.2f s  CPU %6.2f s  peak RSS %5.0f MB  sites done %s  database %s\n' "$workers worker(s) × $per sites" \
    "$(echo "$start $end" | awk '{print $2-$1}')" "$cpu" "$rss" "$done_jobs" "$size"
  printf '%-28s claims/leases/completions: %s; fetch writes: %s\n' "" "$coord" "$writes"
  rm -f "$tmp"/w*.time
done
