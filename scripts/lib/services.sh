# shellcheck shell=bash
# scripts/lib/services.sh — helpers to run throw-away / dev PostgreSQL and Redis
# servers on loopback, without systemd or Docker.
#
# Source it from bash (works under `set -euo pipefail`):
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/services.sh"
#
# Functions:
#   ensure_packages [postgres] [redis]   install missing Debian packages (default: both)
#   ensure_chromium                      install Debian's chromium (the browser tests' headless browser) if missing
#   state_root                           print /var/tmp/mcpplatform-<hash of checkout path>
#   free_port <preferred>                print first free TCP port on 127.0.0.1 from <preferred>
#   free_listen_port <preferred>         the same, skipping the kernel's ephemeral range (ip_local_port_range)
#   start_postgres <datadir> <port>      initdb (if needed) + start; PG_FAST=1 -> no-durability test settings;
#                                        PG_EXTRA_OPTS -> more server options for this start (e.g. "-c huge_pages=on")
#   stop_postgres <datadir>              pg_ctl stop -m fast (errors ignored)
#   pg_bin                               print the PostgreSQL bin dir (highest version)
#   pg_psql <port> [psql args...]        psql -h 127.0.0.1 -p <port> -U postgres -X -v ON_ERROR_STOP=1
#   start_redis <dir> <port>             redis-server daemon on 127.0.0.1:<port>, no persistence
#   stop_redis <dir>                     kill the pid in <dir>/redis.pid (only that pid; errors ignored)
#   free_cluster_ports <preferred> [n]   first of n consecutive free ports <= 55535 whose bus ports (+10000) are free
#   start_redis_cluster <dir> <port> [n] a Redis Cluster of n (3) masters on loopback, created with redis-cli
#   stop_redis_cluster <dir>             stop every node started under <dir>
#   sum_trx_counters <dir>               print "<passed> <failed> <files-with-counters>" summed over *.trx
#
# Progress lines go to stderr, prefixed with $SVC_LOG_PREFIX (default "[services]").
# Nothing here ever uses pkill/killall: only processes started by these functions
# are stopped, by their pid file / pg_ctl.

_SVC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_SVC_REPO_ROOT="$(cd "$_SVC_LIB_DIR/../.." && pwd -P)"

_svc_log() {
    printf '%s %s\n' "${SVC_LOG_PREFIX:-[services]}" "$*" >&2
}

# Run a command as root (directly when we already are root, else via sudo).
_svc_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

# Run a command as the `postgres` OS user. cd / first so the tools never
# complain about an unreadable current directory.
_svc_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -u postgres -- "$@")
    fi
}

# ---------------------------------------------------------------- packages

_svc_have_initdb() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null 2>&1
}

_svc_have_pg_trgm() {
    compgen -G '/usr/share/postgresql/*/extension/pg_trgm.control' >/dev/null 2>&1
}

_svc_have_redis_server() {
    command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]
}

# ensure_packages [postgres] [redis]
ensure_packages() {
    local want_pg=0 want_redis=0 c
    if [ "$#" -eq 0 ]; then
        want_pg=1
        want_redis=1
    fi
    for c in "$@"; do
        case "$c" in
            postgres|postgresql|pg) want_pg=1 ;;
            redis) want_redis=1 ;;
            *) _svc_log "ensure_packages: unknown component '$c'"; return 2 ;;
        esac
    done

    local -a missing=()
    if [ "$want_pg" -eq 1 ]; then
        _svc_have_initdb || missing+=(postgresql)
        _svc_have_pg_trgm || missing+=(postgresql-contrib)
    fi
    if [ "$want_redis" -eq 1 ]; then
        _svc_have_redis_server || missing+=(redis-server)
        command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    fi
    # `sudo -u postgres` is needed when not root.
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        _svc_log "not root and sudo is missing: cannot install packages or run as postgres"
        return 1
    fi

    if [ "${#missing[@]}" -eq 0 ]; then
        _svc_log "packages present (postgres=$want_pg redis=$want_redis)"
        return 0
    fi

    _svc_log "installing missing packages: ${missing[*]}"
    _svc_log "apt-get update"
    _svc_as_root apt-get update -qq >&2
    _svc_log "apt-get install -y --no-install-recommends ${missing[*]}"
    _svc_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

    if [ "$want_pg" -eq 1 ]; then
        _svc_have_initdb || { _svc_log "initdb still missing after install"; return 1; }
        _svc_have_pg_trgm || { _svc_log "pg_trgm still missing after install"; return 1; }
    fi
    if [ "$want_redis" -eq 1 ]; then
        _svc_have_redis_server || { _svc_log "redis-server still missing after install"; return 1; }
    fi
    _svc_log "packages installed"
}

# ensure_chromium: Debian's `chromium` package (and a font) when /usr/bin/chromium is missing. The browser
# comes from the OS package archive only: puppeteer-core (npm) drives it and never downloads one.
ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        _svc_log "chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        _svc_log "not root and sudo is missing: cannot install chromium"
        return 1
    fi
    local started=$SECONDS
    _svc_log "installing chromium from Debian (apt-get update + install)"
    _svc_as_root apt-get update -qq >&2 || return 1
    _svc_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2 || return 1
    [ -x /usr/bin/chromium ] || { _svc_log "chromium still missing after install"; return 1; }
    _svc_log "chromium installed in $((SECONDS - started)) s ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
}

# ---------------------------------------------------------------- paths/ports

# state_root: /var/tmp/mcpplatform-<10 hex chars of sha256(absolute checkout path)>
# Created (mode 755, so the postgres user can traverse it) on every call.
state_root() {
    local hash dir
    hash="$(printf '%s' "$_SVC_REPO_ROOT" | sha256sum | cut -c1-10)"
    dir="/var/tmp/mcpplatform-$hash"
    mkdir -p "$dir"
    chmod 755 "$dir" 2>/dev/null || true
    printf '%s\n' "$dir"
}

# _svc_port_in_use <port>: 0 when something accepts connections on 127.0.0.1:<port>
# or (when `ss` exists) something listens on that port on any address.
_svc_port_in_use() {
    local port="$1"
    if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null; then
        return 0
    fi
    # Any TCP socket on the port, not only a listener: the preferred ports lie in the ephemeral range
    # (ip_local_port_range), so an outgoing connection may hold one, and a listen() there then fails.
    if command -v ss >/dev/null 2>&1; then
        if ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
    fi
    return 1
}

# free_port <preferred>: first free TCP port on 127.0.0.1, scanning up to 200 ports.
free_port() {
    local start="${1:?free_port: preferred port required}" port
    for ((port = start; port < start + 200 && port <= 65535; port++)); do
        if ! _svc_port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    _svc_log "free_port: no free port in $start..$((start + 199))"
    return 1
}

# ephemeral_port_range: print "<low> <high>" of net.ipv4.ip_local_port_range (Linux's default when unreadable).
ephemeral_port_range() {
    local low high
    read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { low=32768; high=60999; }
    printf '%s %s\n' "$low" "$high"
}

# free_listen_port <preferred>: a free port for a server to listen on, never inside the ephemeral range. Polling a
# port in that range before its server listens (curl, pg_isready, redis-cli, the /dev/tcp probe above) can give the
# client that very port as its source port on loopback: the connection then succeeds to itself (a TCP simultaneous
# open), holds the port, and the server's bind fails. Outside the range the kernel never picks it as a source port.
free_listen_port() {
    local start="${1:?free_listen_port: preferred port required}" low high port
    read -r low high < <(ephemeral_port_range)
    for ((port = start; port < start + 200 && port <= 65535; port++)); do
        if [ "$port" -ge "$low" ] && [ "$port" -le "$high" ]; then
            continue
        fi
        if ! _svc_port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    _svc_log "free_listen_port: no free port outside the ephemeral range $low-$high in $start..$((start + 199))"
    return 1
}

# ---------------------------------------------------------------- PostgreSQL

# pg_bin: bin dir of the highest installed PostgreSQL version.
pg_bin() {
    local d
    d="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)"
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        _svc_log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (run ensure_packages)"
        return 1
    fi
    printf '%s\n' "$d"
}

# pg_psql <port> [psql args...]: psql as the postgres role over loopback TCP (trust auth).
pg_psql() {
    local port="${1:?pg_psql: port required}"
    shift
    local bin
    bin="$(pg_bin)"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

# start_postgres <datadir> <port>
#   Layout: <datadir>'s parent (the "pg dir", chowned to postgres) holds the data
#   dir, postgres.log and the unix socket dir "sock". The pg dir's ancestors must
#   be traversable by the postgres user (state_root is mode 755).
#   PG_FAST=1 adds throw-away-cluster settings (fsync off etc.); otherwise only
#   listen address, port and socket dir differ from the defaults. PG_EXTRA_OPTS is
#   appended to the server options of this start only (nothing is written to the
#   data dir).
start_postgres() {
    local datadir="${1:?start_postgres: datadir required}"
    local port="${2:?start_postgres: port required}"
    local bin pgdir sockdir logfile
    bin="$(pg_bin)"
    mkdir -p "$(dirname "$datadir")"
    pgdir="$(cd "$(dirname "$datadir")" && pwd -P)"
    datadir="$pgdir/$(basename "$datadir")"
    sockdir="$pgdir/sock"
    logfile="$pgdir/postgres.log"

    mkdir -p "$sockdir"
    touch "$logfile"
    _svc_as_root chown postgres: "$pgdir" "$sockdir" "$logfile"
    chmod 700 "$sockdir" 2>/dev/null || _svc_as_root chmod 700 "$sockdir"

    if ! _svc_as_postgres test -x "$pgdir" -a -w "$pgdir"; then
        _svc_log "the postgres user cannot use $pgdir (are all parent dirs traversable, mode o+x?)"
        return 1
    fi

    if [ ! -s "$datadir/PG_VERSION" ]; then
        _svc_log "initdb $datadir"
        if [ -e "$datadir" ]; then
            _svc_as_root rm -rf "$datadir"
        fi
        if ! _svc_as_postgres "$bin/initdb" -D "$datadir" -A trust -U postgres \
                --encoding=UTF8 --locale=C.UTF-8 >>"$logfile" 2>&1; then
            _svc_log "initdb with --locale=C.UTF-8 failed; retrying with --locale=C"
            _svc_as_root rm -rf "$datadir"
            if ! _svc_as_postgres "$bin/initdb" -D "$datadir" -A trust -U postgres \
                    --encoding=UTF8 --locale=C >>"$logfile" 2>&1; then
                _svc_log "initdb failed; last lines of $logfile:"
                tail -n 20 "$logfile" >&2 || true
                return 1
            fi
        fi
    fi

    # A server left running on this data dir (e.g. the previous run was killed
    # with SIGKILL) is ours: stop it so it restarts on the requested port.
    if _svc_as_postgres "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        _svc_log "a server is already running on $datadir; stopping it first"
        _svc_as_postgres "$bin/pg_ctl" -D "$datadir" stop -m fast -w -t 60 >/dev/null 2>&1 || true
    fi

    local opts="-c listen_addresses=127.0.0.1 -p $port -k $sockdir"
    if [ "${PG_FAST:-0}" = "1" ]; then
        opts="$opts -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off"
        opts="$opts -c full_page_writes=off -c max_connections=200"
    fi
    opts="$opts${PG_EXTRA_OPTS:+ $PG_EXTRA_OPTS}"

    _svc_log "starting PostgreSQL on 127.0.0.1:$port (data $datadir, log $logfile${PG_FAST:+, PG_FAST=$PG_FAST}${PG_EXTRA_OPTS:+, $PG_EXTRA_OPTS})"
    if ! _svc_as_postgres "$bin/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 -o "$opts" start >/dev/null; then
        _svc_log "pg_ctl start failed; last lines of $logfile:"
        tail -n 20 "$logfile" >&2 || true
        return 1
    fi

    local i
    for ((i = 0; i < 60; i++)); do
        if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            _svc_log "PostgreSQL ready on 127.0.0.1:$port (pid $(head -n 1 "$datadir/postmaster.pid" 2>/dev/null || echo '?'))"
            return 0
        fi
        sleep 0.5
    done
    _svc_log "PostgreSQL did not become ready on port $port; last lines of $logfile:"
    tail -n 20 "$logfile" >&2 || true
    return 1
}

# stop_postgres <datadir>: fast shutdown; never fails.
stop_postgres() {
    local datadir="${1:?stop_postgres: datadir required}"
    local bin
    bin="$(pg_bin 2>/dev/null)" || return 0
    [ -f "$datadir/postmaster.pid" ] || return 0
    _svc_log "stopping PostgreSQL ($datadir)"
    _svc_as_postgres "$bin/pg_ctl" -D "$datadir" stop -m fast -w -t 60 >/dev/null 2>&1 || true
    return 0
}

# ---------------------------------------------------------------- Redis

# _svc_redis_ping <port>: 0 when the server answers PONG.
_svc_redis_ping() {
    local port="$1" reply
    if command -v redis-cli >/dev/null 2>&1; then
        reply="$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)"
    else
        reply="$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
                 printf "PING\r\n" >&3; IFS= read -r -t 2 line <&3; printf "%s" "$line"' _ "$port" 2>/dev/null || true)"
        reply="${reply%$'\r'}"
        reply="${reply#+}"
    fi
    [ "$reply" = "PONG" ]
}

# _svc_pid_alive <pid>: the process exists and is not a zombie.
_svc_pid_alive() {
    local pid="$1" state
    [ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)"
    [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# _svc_pid_is <pid> <comm-prefix>: the pid is alive and its command name starts with <comm-prefix>.
_svc_pid_is() {
    local pid="$1" want="$2" comm
    _svc_pid_alive "$pid" || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [ -z "$comm" ] || [[ "$comm" == "$want"* ]]
}

# start_redis <dir> <port>: in-memory only (no RDB/AOF), daemonized, pid/log in <dir>.
start_redis() {
    local dir="${1:?start_redis: dir required}"
    local port="${2:?start_redis: port required}"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    # A leftover server from a killed run on this dir is ours: stop it first.
    if [ -f "$dir/redis.pid" ]; then
        stop_redis "$dir"
    fi
    _svc_log "starting Redis on 127.0.0.1:$port (dir $dir)"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
        --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    local i
    for ((i = 0; i < 60; i++)); do
        if _svc_redis_ping "$port"; then
            _svc_log "Redis ready on 127.0.0.1:$port (pid $(cat "$dir/redis.pid" 2>/dev/null || echo '?'))"
            return 0
        fi
        sleep 0.5
    done
    _svc_log "Redis did not answer PONG on port $port; last lines of $dir/redis.log:"
    tail -n 20 "$dir/redis.log" >&2 || true
    return 1
}

# stop_redis <dir>: SIGTERM the pid in <dir>/redis.pid (only if it is a redis-server),
# wait up to 10 s, then SIGKILL that same pid. Never fails.
stop_redis() {
    local dir="${1:?stop_redis: dir required}"
    local pidfile="$dir/redis.pid" pid i
    [ -f "$pidfile" ] || return 0
    pid="$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && _svc_pid_is "$pid" redis; then
        _svc_log "stopping Redis (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            _svc_pid_alive "$pid" || break
            sleep 0.2
        done
        if _svc_pid_alive "$pid"; then
            _svc_log "Redis (pid $pid) did not exit after SIGTERM; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile" 2>/dev/null || true
    return 0
}

# ---------------------------------------------------------------- Redis Cluster

# free_cluster_ports <preferred> <count>: print the first of <count> consecutive free ports from <preferred>
# (at most 55535) whose cluster bus ports (+10000) are free too.
free_cluster_ports() {
    local start="${1:?free_cluster_ports: preferred port required}" count="${2:-3}" port i ok
    for ((port = start; port + count - 1 <= 55535 && port < start + 500; port++)); do
        ok=1
        for ((i = 0; i < count; i++)); do
            if _svc_port_in_use $((port + i)) || _svc_port_in_use $((port + i + 10000)); then
                ok=0
                break
            fi
        done
        if [ "$ok" -eq 1 ]; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    _svc_log "free_cluster_ports: no $count free ports (and bus ports) from $start"
    return 1
}

# start_redis_cluster <dir> <first-port> [masters]: a Redis Cluster of <masters> (default 3) masters, no
# replicas, on 127.0.0.1:<first-port>.. (each in <dir>/<port>, no persistence), created with redis-cli and waited
# for until cluster_state is ok.
start_redis_cluster() {
    local dir="${1:?start_redis_cluster: dir required}" first="${2:?start_redis_cluster: first port required}" masters="${3:-3}"
    local port i nodes=()
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    for ((i = 0; i < masters; i++)); do
        port=$((first + i))
        mkdir -p "$dir/$port"
        [ -f "$dir/$port/redis.pid" ] && stop_redis "$dir/$port"
        rm -f "$dir/$port/nodes.conf"
        _svc_log "starting Redis Cluster node on 127.0.0.1:$port (dir $dir/$port)"
        redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
            --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
        nodes+=("127.0.0.1:$port")
    done
    for ((i = 0; i < masters; i++)); do
        port=$((first + i))
        local tries
        for ((tries = 0; tries < 60; tries++)); do
            _svc_redis_ping "$port" && break
            sleep 0.5
        done
    done
    _svc_log "creating the cluster: ${nodes[*]}"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || {
        _svc_log "redis-cli --cluster create failed:"
        tail -n 20 "$dir/create.log" >&2 || true
        return 1
    }
    for ((i = 0; i < 60; i++)); do
        if redis-cli -h 127.0.0.1 -p "$first" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then
            _svc_log "Redis Cluster ready (${nodes[*]})"
            return 0
        fi
        sleep 0.5
    done
    _svc_log "Redis Cluster did not reach cluster_state:ok"
    return 1
}

# stop_redis_cluster <dir>: stop every node started under <dir>.
stop_redis_cluster() {
    local dir="${1:?stop_redis_cluster: dir required}" node
    [ -d "$dir" ] || return 0
    for node in "$dir"/*/; do
        [ -f "$node/redis.pid" ] && stop_redis "${node%/}"
    done
    return 0
}

# ---------------------------------------------------------------- test results

# sum_trx_counters <dir>: sum the <Counters .../> of every *.trx under <dir>.
# Prints "<passed> <failed> <files>" where failed = failed + error + timeout and
# <files> is the number of .trx files that had a Counters element.
sum_trx_counters() {
    local dir="${1:?sum_trx_counters: dir required}"
    local passed=0 failed=0 files=0 f counters attr val
    if [ -d "$dir" ]; then
        while IFS= read -r -d '' f; do
            counters="$(tr '\n\r' '  ' <"$f" | grep -o '<Counters[^>]*>' | head -n 1 || true)"
            [ -n "$counters" ] || continue
            files=$((files + 1))
            for attr in passed failed error timeout; do
                val="$(printf '%s' "$counters" | grep -o "[[:space:]]$attr=\"[0-9]*\"" | head -n 1 | tr -dc '0-9' || true)"
                val="${val:-0}"
                case "$attr" in
                    passed) passed=$((passed + val)) ;;
                    *) failed=$((failed + val)) ;;
                esac
            done
        done < <(find "$dir" -type f -name '*.trx' -print0 2>/dev/null)
    fi
    printf '%s %s %s\n' "$passed" "$failed" "$files"
}
