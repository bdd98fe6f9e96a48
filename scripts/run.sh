#!/usr/bin/env bash
# scripts/run.sh — the project's run command.
#
# If ConnectionStrings__Postgres is set, nothing is started: the app uses the
# given connection strings (no ConnectionStrings__Redis then means in-memory).
# Otherwise a persistent dev PostgreSQL (and Redis, unless ConnectionStrings__Redis
# is set) is started on free loopback ports under $(state_root)/dev, database
# mcp_platform is created if missing, and both servers are stopped again when the
# app exits or on Ctrl-C (the PostgreSQL data is kept for the next run).
# Extra arguments are passed to the app: dotnet run ... -- "$@".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd -P)"
export SVC_LOG_PREFIX="[run]"
# shellcheck source=lib/services.sh
source "$REPO_ROOT/scripts/lib/services.sh"

log() { printf '[run] %s\n' "$*" >&2; }

PG_DATA=""
REDIS_DIR=""
CLEANED=0

cleanup() {
    [ "$CLEANED" -eq 0 ] || return 0
    CLEANED=1
    set +e
    [ -n "$REDIS_DIR" ] && stop_redis "$REDIS_DIR"
    [ -n "$PG_DATA" ] && stop_postgres "$PG_DATA"
    set -e
    return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

if [ -n "${ConnectionStrings__Postgres:-}" ]; then
    log "using ConnectionStrings__Postgres from the environment; starting no services"
    if [ -z "${ConnectionStrings__Redis:-}" ]; then
        log "ConnectionStrings__Redis not set: the app uses its in-memory store"
    fi
else
    START_REDIS=1
    if [ -n "${ConnectionStrings__Redis:-}" ]; then
        log "using ConnectionStrings__Redis from the environment"
        START_REDIS=0
    fi
    if [ "$START_REDIS" -eq 1 ]; then
        ensure_packages postgres redis
    else
        ensure_packages postgres
    fi

    DEV_DIR="$(state_root)/dev"
    mkdir -p "$DEV_DIR"
    chmod 755 "$DEV_DIR"
    log "state dir $DEV_DIR"

    PG_DATA="$DEV_DIR/pg/data"
    PGPORT="$(free_port 55433)"
    start_postgres "$PG_DATA" "$PGPORT"
    if [ "$(pg_psql "$PGPORT" -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = 'mcp_platform'")" != "1" ]; then
        log "creating database mcp_platform"
        pg_psql "$PGPORT" -d postgres -c 'CREATE DATABASE mcp_platform'
    fi
    export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=mcp_platform;Max Auto Prepare=50"
    log "ConnectionStrings__Postgres=$ConnectionStrings__Postgres"

    if [ "$START_REDIS" -eq 1 ]; then
        REDIS_DIR="$DEV_DIR/redis"
        REDISPORT="$(free_port 56380)"
        start_redis "$REDIS_DIR" "$REDISPORT"
        export ConnectionStrings__Redis="127.0.0.1:$REDISPORT"
        log "ConnectionStrings__Redis=$ConnectionStrings__Redis"
    fi
fi

log "dotnet run --project McpPlatform.Api -c Release (ASPNETCORE_ENVIRONMENT=$ASPNETCORE_ENVIRONMENT)"
RC=0
dotnet run --project McpPlatform.Api -c Release -- "$@" || RC=$?
log "app exited with $RC"
cleanup
exit "$RC"
