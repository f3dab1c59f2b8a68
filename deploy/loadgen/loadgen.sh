#!/bin/sh
# Bounded demo traffic for deploy/docker-compose.yml, so the dashboard has something to show: three
# workers, one per demo key, each sending REQUESTS requests (default 2000, about 15 minutes) and
# then stopping. Easy and hard prompts, so `auto` routes to both tiers; every other request streams.
# The trial key's small token budget (compose/router.yaml) is refused now and then: budget refusals.
# Runs in a curl image (busybox sh). Run it again with `docker compose run --rm loadgen`.
set -eu

TARGET="${TARGET:-http://switchyard:8080}"
REQUESTS="${REQUESTS:-2000}"
PAUSE="${PAUSE:-0.4}"

EASY='Say hello to the team.'
HARD='Write a Python function that parses a CSV file, validates every row against a schema, and explain step by step the time complexity of your algorithm and how to test it.'

worker() {
  key="$1"
  n=0
  while [ "$n" -lt "$REQUESTS" ]; do
    if [ $((n % 3)) -eq 0 ]; then prompt="$HARD"; else prompt="$EASY"; fi
    if [ $((n % 2)) -eq 0 ]; then stream=true; else stream=false; fi
    body="{\"model\":\"auto\",\"stream\":$stream,\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"$prompt\"}]}"
    status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 120 \
      -H "authorization: Bearer $key" -H 'content-type: application/json' \
      -d "$body" "$TARGET/v1/chat/completions" || true)
    echo "${key%-*} $n $status"
    n=$((n + 1))
    sleep "$PAUSE"
  done
}

worker sy-demo-web-3Jt8Kq2 &
worker sy-demo-batch-9Xw4Lm7 &
worker sy-demo-trial-5Pz6Rc1 &
wait
echo "loadgen: done ($REQUESTS requests per key)"
