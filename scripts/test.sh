#!/usr/bin/env bash
# scripts/test.sh — the project's test command.
#
# Starts a throw-away PostgreSQL (fsync off) and Redis on free loopback ports,
# runs `dotnet test McpPlatform.sln` against them, stops and deletes them, and
# prints "N passed, N failed" as the very last line.
# Extra arguments are passed to `dotnet test` (e.g. --filter "FullyQualifiedName~Auth").
# After the main run, the end-to-end suites (McpPlatform.Tests/EndToEnd, multi-process included) and the Redis
# adapters' integration tests run once more against a real 3-master Redis Cluster on loopback; their results count in
# the last line. MCP_TEST_CLUSTER picks when: auto (default: only on a full run, without arguments), on (also with
# arguments: the cluster run then takes them instead of its own filter), only (the cluster run alone), off.
# Exit status: 0 only if dotnet test exited 0 and nothing failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd -P)"
export SVC_LOG_PREFIX="[test]"
# shellcheck source=lib/services.sh
source "$REPO_ROOT/scripts/lib/services.sh"

log() { printf '[test] %s\n' "$*" >&2; }

TEST_DIR=""
PG_DATA=""
REDIS_DIR=""
CLUSTER_DIR=""
CLEANED=0

cleanup() {
    [ "$CLEANED" -eq 0 ] || return 0
    CLEANED=1
    set +e
    [ -n "$PG_DATA" ] && stop_postgres "$PG_DATA"
    [ -n "$REDIS_DIR" ] && stop_redis "$REDIS_DIR"
    [ -n "$CLUSTER_DIR" ] && stop_redis_cluster "$CLUSTER_DIR"
    if [ -n "$TEST_DIR" ] && [ -d "$TEST_DIR" ]; then
        log "removing $TEST_DIR"
        if [ "$(id -u)" -eq 0 ]; then rm -rf "$TEST_DIR"; else sudo rm -rf "$TEST_DIR"; fi
    fi
    set -e
    return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPNETCORE_ENVIRONMENT=Testing

ensure_packages
# The Swagger UI walk-through (SwaggerBrowserTests) drives it. Not fatal here: without it that test fails and says why.
ensure_chromium || log "chromium could not be installed: SwaggerBrowserTests will fail"

STATE_ROOT="$(state_root)"
TEST_DIR="$(mktemp -d "$STATE_ROOT/test-XXXXXX")"
chmod 755 "$TEST_DIR"   # the postgres user must traverse it
PG_DATA="$TEST_DIR/pg/data"
REDIS_DIR="$TEST_DIR/redis"
RESULTS_DIR="$TEST_DIR/results"
log "state dir $TEST_DIR"

PGPORT="$(free_port 55432)"
PG_FAST=1 start_postgres "$PG_DATA" "$PGPORT"
REDISPORT="$(free_port 56379)"
start_redis "$REDIS_DIR" "$REDISPORT"

log "creating database mcp_test"
pg_psql "$PGPORT" -d postgres -c 'CREATE DATABASE mcp_test'

export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=mcp_test;Max Auto Prepare=50"
export ConnectionStrings__Redis="127.0.0.1:$REDISPORT"
export MCP_TEST_PG_ADMIN="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
# The outage tests stop and start these servers through scripts/lib/services.sh.
export MCP_TEST_PG_DATA="$PG_DATA"
export MCP_TEST_PG_PORT="$PGPORT"
export MCP_TEST_REDIS_DIR="$REDIS_DIR"
export MCP_TEST_REDIS_PORT="$REDISPORT"
# Screenshots and what the run-wide secret scan reads (logs, response bodies, database dumps); kept after the run.
export MCP_TEST_ARTIFACTS="$REPO_ROOT/artifacts/test-run"
rm -rf "$MCP_TEST_ARTIFACTS"
mkdir -p "$MCP_TEST_ARTIFACTS"
log "ConnectionStrings__Postgres=$ConnectionStrings__Postgres"
log "ConnectionStrings__Redis=$ConnectionStrings__Redis"

if [ -f McpPlatform.Tests/package.json ]; then
    if ! command -v npm >/dev/null 2>&1; then
        log "npm missing; installing nodejs + npm from Debian"
        if [ "$(id -u)" -eq 0 ]; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
        else
            sudo apt-get update -qq
            sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
        fi
    fi
    if [ -f McpPlatform.Tests/package-lock.json ]; then
        log "npm ci in McpPlatform.Tests"
        (cd McpPlatform.Tests && npm ci --no-audit --no-fund)
    else
        log "npm install in McpPlatform.Tests (no package-lock.json)"
        (cd McpPlatform.Tests && npm install --no-audit --no-fund)
    fi
fi

CLUSTER_MODE="${MCP_TEST_CLUSTER:-auto}"
case "$CLUSTER_MODE" in
    auto) if [ "$#" -eq 0 ]; then RUN_CLUSTER=1; else RUN_CLUSTER=0; fi ;;
    on|only) RUN_CLUSTER=1 ;;
    off) RUN_CLUSTER=0 ;;
    *) log "MCP_TEST_CLUSTER must be auto, on, only or off (was '$CLUSTER_MODE')"; exit 2 ;;
esac

# Without arguments, the whole suite runs first and the secret scan of everything it recorded runs after it.
SUITE_FILTER=()
[ "$#" -eq 0 ] && SUITE_FILTER=(--filter "TestCategory!=RunScan")
TEST_RC=0
if [ "$CLUSTER_MODE" = "only" ]; then
    log "dotnet build McpPlatform.sln -c Release (MCP_TEST_CLUSTER=only: no single-Redis run)"
    dotnet build McpPlatform.sln -c Release -v quiet -nologo || TEST_RC=$?
else
    log "dotnet test McpPlatform.sln -c Release ${SUITE_FILTER[*]} $*"
    SUITE_START=$(date +%s)
    dotnet test McpPlatform.sln -c Release \
        --logger "trx;LogFilePrefix=results" \
        --logger "console;verbosity=normal" \
        --results-directory "$RESULTS_DIR" \
        "${SUITE_FILTER[@]}" "$@" || TEST_RC=$?
    log "suite took $(( $(date +%s) - SUITE_START )) s"
fi

# The same end-to-end suites against a Redis Cluster: keys spread over three masters, so a multi-key command across
# hash slots or a script touching a key it was not given fails here, not in production. The outage tests that stop
# the single Redis skip themselves (MCP_TEST_REDIS_CLUSTER); the one that pauses Redis pauses every node.
# --no-build below runs whatever was built last: when the build just failed, that is not this checkout.
if [ "$RUN_CLUSTER" -eq 1 ] && [ "$CLUSTER_MODE" != "only" ] && [ "$(sum_trx_counters "$RESULTS_DIR" | cut -d' ' -f3)" -eq 0 ]; then
    log "the single-Redis run produced no results (build error?): no Redis Cluster run"
    RUN_CLUSTER=0
fi
if [ "$CLUSTER_MODE" = "only" ] && [ "$TEST_RC" -ne 0 ]; then
    log "the build failed: no Redis Cluster run"
    RUN_CLUSTER=0
fi
if [ "$RUN_CLUSTER" -eq 1 ]; then
    CLUSTER_DIR="$TEST_DIR/redis-cluster"
    CLUSTER_PORT="$(free_cluster_ports 45379 3)"
    start_redis_cluster "$CLUSTER_DIR" "$CLUSTER_PORT" 3
    CLUSTER_FILTER=(--filter "FullyQualifiedName~McpPlatform.Tests.EndToEnd|FullyQualifiedName~McpPlatform.Tests.Integration.Redis")
    [ "$#" -gt 0 ] && CLUSTER_FILTER=()
    log "against the Redis Cluster 127.0.0.1:$CLUSTER_PORT..$((CLUSTER_PORT + 2)): dotnet test --no-build ${CLUSTER_FILTER[*]} $*"
    CLUSTER_START=$(date +%s)
    ConnectionStrings__Redis="127.0.0.1:$CLUSTER_PORT,127.0.0.1:$((CLUSTER_PORT + 1)),127.0.0.1:$((CLUSTER_PORT + 2))" \
    MCP_TEST_REDIS_CLUSTER=1 \
    env -u MCP_TEST_REDIS_DIR -u MCP_TEST_REDIS_PORT dotnet test McpPlatform.Tests/McpPlatform.Tests.csproj -c Release --no-build \
        --logger "trx;LogFilePrefix=cluster" \
        --logger "console;verbosity=normal" \
        --results-directory "$RESULTS_DIR/cluster" \
        "${CLUSTER_FILTER[@]}" "$@" || TEST_RC=$?
    log "cluster run took $(( $(date +%s) - CLUSTER_START )) s"
    stop_redis_cluster "$CLUSTER_DIR"
fi

if [ "$#" -eq 0 ] && [ "$CLUSTER_MODE" != "only" ]; then
    log "secret scan of the run's logs, responses and database dumps ($MCP_TEST_ARTIFACTS)"
    dotnet test McpPlatform.sln -c Release --no-build \
        --logger "trx;LogFilePrefix=secret-scan" \
        --logger "console;verbosity=normal" \
        --results-directory "$RESULTS_DIR" \
        --filter "TestCategory=RunScan" || TEST_RC=$?
fi
log "dotnet test exited with $TEST_RC"

cp "$RESULTS_DIR"/*.trx "$RESULTS_DIR"/cluster/*.trx "$MCP_TEST_ARTIFACTS"/ 2>/dev/null || true
read -r PASSED FAILED TRX_FILES < <(sum_trx_counters "$RESULTS_DIR")
log "trx files with counters: $TRX_FILES"
if [ "$TEST_RC" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
    if [ "$TRX_FILES" -eq 0 ]; then
        log "dotnet test failed and produced no results (build error?): counting 1 failure"
    else
        log "dotnet test failed although no test failed (aborted run / test host crash?): counting 1 failure"
    fi
    FAILED=1
fi

cleanup

if [ "$TEST_RC" -eq 0 ] && [ "$FAILED" -eq 0 ]; then
    STATUS=0
else
    STATUS=1
fi
printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
exit "$STATUS"
