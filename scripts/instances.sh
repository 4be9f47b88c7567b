#!/usr/bin/env bash
# Starts N messenger instances on consecutive ports, all sharing one PostgreSQL database and one Redis.
#
#   scripts/instances.sh [N] [FIRST_PORT]        # default: 2 instances on 8081, 8082
#
# Each instance gets its own data folder under $CHAT_INSTANCES_DIR (default ./instances) and logs to instanceK.log
# there; they share $CHAT_MEDIA_DIR (default $CHAT_INSTANCES_DIR/media) for avatars. Ctrl-C (or SIGTERM) stops
# them all. Settings come from the environment (or .env):
#   CHAT_DATABASE_URL    required, e.g. postgresql+psycopg://chat:secret@127.0.0.1:5432/chat
#   CHAT_REDIS_URL       required, e.g. redis://127.0.0.1:6379/0
#   CHAT_STORAGE_SECRET  required and the same everywhere: it signs the session cookie every instance must accept
#   CHAT_REDIS_PREFIX    optional (default "chat"): keeps several deployments apart in one Redis
#   CHAT_TRUSTED_PROXIES the balancer's address (127.0.0.1 for the nginx of docs/scaling.md), so that per-address
#                        limits see each browser's address from X-Forwarded-For (docs/operations.md)
# Put a sticky load balancer in front (docs/scaling.md has an nginx configuration).
set -euo pipefail

count=${1:-2}
first_port=${2:-8081}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
[[ -x $python ]] || python=python3
base=${CHAT_INSTANCES_DIR:-$root/instances}

if [[ -f $root/.env ]]; then set -a; source "$root/.env"; set +a; fi
for name in CHAT_DATABASE_URL CHAT_REDIS_URL CHAT_STORAGE_SECRET; do
    if [[ -z ${!name:-} ]]; then
        echo "instances.sh: $name must be set (see docs/scaling.md)" >&2
        exit 2
    fi
done
if [[ $CHAT_DATABASE_URL == sqlite* ]]; then
    echo "instances.sh: several instances need a shared server database (PostgreSQL), not SQLite" >&2
    exit 2
fi

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait || true
}
trap stop INT TERM EXIT

# avatars are files: every instance must read and write the same media folder
export CHAT_MEDIA_DIR=${CHAT_MEDIA_DIR:-$base/media}
mkdir -p "$base" "$CHAT_MEDIA_DIR"
for ((i = 1; i <= count; i++)); do
    port=$((first_port + i - 1))
    mkdir -p "$base/instance$i"
    # the first one migrates the database; the others wait on the migration lock, so starting together is safe
    (cd "$root" && exec "$python" main.py --port "$port" --data-dir "$base/instance$i") \
        >>"$base/instance$i.log" 2>&1 &
    pids+=($!)
    echo "instance$i: http://${CHAT_HOST:-127.0.0.1}:$port (pid $!, log $base/instance$i.log)"
done
wait -n "${pids[@]}" || true
echo "instances.sh: an instance exited; stopping the others" >&2
