#!/usr/bin/env bash
# govscan crawl benchmark, on loopback only.
#
#   benches/crawl.sh N              one county portal of about N article pages, no rate limit
#   benches/crawl.sh --realistic N  a county portal of about N realistic pages (5–10 KB,
#                                   80–150 links each, 10% GBK, ~125 paginated columns),
#                                   history store on, then an incremental re-scan
#   benches/crawl.sh --sites S      S department sites of about 100 pages each, 5 requests/s per host
#   IPV6=1 benches/crawl.sh N       the portal's host has an AAAA record too (IPv6 checks fetch)
#   IPV6=off benches/crawl.sh N     without the IPv6 checks
#   EXTRA="--render never" benches/crawl.sh N   more scan flags
#   DEAD_LINKS=1 benches/crawl.sh --realistic N  two dead links in the footer template:
#                                   two findings on every page (the findings' worst case)
#   STORE=1 benches/crawl.sh N      the portal with the history store on (the speed
#                                   issue's first figure was measured so)
#
# The demo portal is served by a separate govscan process (`govscan demo
# --serve-only --bench`, in memory); the scan runs every check. Prints pages/s,
# requests per unique URL, bytes received, CPU seconds, peak RSS and wall
# time of the scan, and the server's CPU time (to show it is not the
# bottleneck). Needs /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=portal
n=${1:-2000}
rate=0
if [ "${1:-}" = "--sites" ]; then
  mode=sites
  n=${2:-200}
  rate=${RATE:-5}
elif [ "${1:-}" = "--realistic" ]; then
  mode=realistic
  n=${2:-20000}
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 2; }

cargo build --release -q
bin=target/release/govscan
tmp=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
if [ "$mode" = portal ]; then
  demo_args=(--articles "$(( n * 128 / 100 ))")  # about N pages: lists and service pages come on top of the articles
elif [ "$mode" = realistic ]; then
  demo_args=(--realistic "$n")
  [ "${DEAD_LINKS:-}" = 1 ] && demo_args+=(--dead-template-links)
else
  demo_args=(--articles 80 --extra-sites "$((n - 2))" --extra-site-pages 100)
fi
"$bin" demo --serve-only --bench --port "$port" --now 2026-11-23 --write-sites "$tmp/sites.csv" "${demo_args[@]}" > "$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
  grep -q "按 Ctrl-C 停止" "$tmp/server.log" 2>/dev/null && break
  sleep 0.1
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
server_before=$(cpu "$server")

store=(--no-db)
if [ "$mode" = realistic ] || [ "${STORE:-}" = 1 ]; then store=(--db "$tmp/govscan.db"); fi
# IPV6=1: the county portal's host gets an AAAA record too ([::1]), so the
# IPv6 checks fetch its home page and sampled links over IPv6; IPV6=off runs
# without the IPv6 checks. Unset: every host is IPv4 only (AAAA lookups only).
ipv6=()
if [ "${IPV6:-}" = 1 ]; then
  ipv6=(--resolve "www.sfx-demo.gov.cn:$port:127.0.0.1" --resolve "www.sfx-demo.gov.cn:$port:[::1]")
elif [ "${IPV6:-}" = off ]; then
  ipv6=(--ipv6 off)
fi
scan() {
  /usr/bin/time -v -o "$1" "$bin" scan --sites "$tmp/sites.csv" --out "$tmp/out" \
    --offline --resolve "*:$port:127.0.0.1" "${ipv6[@]}" "${store[@]}" --now 2026-11-23 \
    --rate "$rate" --concurrency 128 --site-concurrency 32 --timeout 10 ${EXTRA:-} > "$tmp/summary.txt" 2> "$tmp/scan.log"
}
scan "$tmp/time.txt"

server_after=$(cpu "$server")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time.txt")
user=$(awk -F': ' '/User time/ {print $2}' "$tmp/time.txt")
sys=$(awk -F': ' '/System time/ {print $2}' "$tmp/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
pages=$(python3 -c "
import csv,sys
rows=list(csv.DictReader(open('$tmp/out/pages.csv',encoding='utf-8-sig')))
print(sum(1 for r in rows if r['kind']), len(rows))")
crawled=${pages% *}
fetched=${pages#* }
requests=$(grep -o '[0-9]* 次请求' "$tmp/summary.txt" | grep -o '[0-9]*')
mb=$(grep -o '接收 [0-9.]* MB' "$tmp/summary.txt" | grep -o '[0-9.]*')
sites=$(($(wc -l < "$tmp/sites.csv") - 1))
expected=$(grep -o '共 [0-9]* 个HTML页面' "$tmp/server.log" | grep -o '[0-9]*')

printf '%-34s %s\n' "sites" "$sites"
printf '%-34s %s of %s served%s\n' "pages crawled (all checks on)" "$crawled" "$expected" "$([ "$crawled" = "$expected" ] && echo ", complete" || echo " — INCOMPLETE")"
printf '%-34s %s\n' "unique URLs fetched" "$fetched"
printf '%-34s %s\n' "requests" "$requests"
printf '%-34s %.3f\n' "requests per unique URL" "$(echo "$requests $fetched" | awk '{print $1/$2}')"
printf '%-34s %s MB\n' "bytes received (decoded bodies)" "$mb"
printf '%-34s %s s\n' "wall time" "$secs"
printf '%-34s %.0f\n' "pages/s" "$(echo "$crawled $secs" | awk '{print $1/$2}')"
printf '%-34s %.2f s (user %s + sys %s)\n' "scan CPU" "$(echo "$user $sys" | awk '{print $1+$2}')" "$user" "$sys"
printf '%-34s %.1f µs\n' "scan CPU per page" "$(echo "$user $sys $crawled" | awk '{print ($1+$2)/$3*1e6}')"
printf '%-34s %.1f MB\n' "scan peak RSS" "$(echo "$rss" | awk '{print $1/1024}')"
printf '%-34s %.2f s\n' "server CPU (separate process)" "$(echo "$server_before $server_after $tick" | awk '{print ($2-$1)/$3}')"

if [ "$mode" = realistic ]; then
  cp "$tmp/out/pages.csv" "$tmp/pages-first.csv"
  scan "$tmp/time2.txt"
  user2=$(awk -F': ' '/User time/ {print $2}' "$tmp/time2.txt")
  sys2=$(awk -F': ' '/System time/ {print $2}' "$tmp/time2.txt")
  wall2=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time2.txt")
  rss2=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time2.txt")
  printf '%-34s %.2f s CPU (%.0f%% of the first scan), wall %s, peak RSS %.1f MB\n' "incremental re-scan (unchanged)" \
    "$(echo "$user2 $sys2" | awk '{print $1+$2}')" "$(echo "$user2 $sys2 $user $sys" | awk '{print ($1+$2)/($3+$4)*100}')" "$wall2" "$(echo "$rss2" | awk '{print $1/1024}')"
  printf '%-34s %s\n' "re-scan" "$(grep -o '增量扫描：[^；]*' "$tmp/summary.txt" | head -1)"
  printf '%-34s %s\n' "history database" "$(du -h "$tmp/govscan.db" | cut -f1)"
fi
