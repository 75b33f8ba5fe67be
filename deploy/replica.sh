#!/usr/bin/env bash
# A PostgreSQL streaming replica of the local primary, for the heavy reads (README.md, "Read replica").
#
#   deploy/replica.sh            set the replica up (or start it) and print its URL; a no-op when it is up
#   deploy/replica.sh --status   say whether it is up, and its lag
#   deploy/replica.sh --remove   stop and drop the replica cluster and its replication slot
#
# What it does, with Debian's PostgreSQL tools (postgresql-common), on the newest installed version:
#   1. the primary (cluster <version>/main, port PRIMARY_PORT, default 5432) must allow replication:
#      wal_level replica or logical and max_wal_senders > 0 (both PostgreSQL's defaults; changing them
#      needs a restart, which this script never does: it stops with a message instead), and pg_hba.conf
#      must let the local postgres user open a replication connection. If no line does, one
#      (`host replication postgres 127.0.0.1/32 trust`) is added at the top and the primary reloads
#      its configuration: a reload, not a restart, and nothing else of the primary changes.
#   2. `pg_createcluster <version> replica -p REPLICA_PORT` makes the cluster's configuration in
#      /etc/postgresql/<version>/replica; its data directory is then replaced by `pg_basebackup -R`
#      from the primary (a copy of the whole primary cluster, every database, plus standby.signal and
#      primary_conninfo), streaming through the physical replication slot SLOT so that the primary
#      keeps the WAL the replica has not received yet.
#   3. `pg_ctlcluster <version> replica start`, then waits until it answers as a standby.
# Re-running it when the replica is up changes nothing. It needs root (or sudo without a password),
# like Debian's cluster tools. A dropped replica leaves no slot behind (--remove drops it); a slot left
# by a replica that is gone makes the primary keep WAL for ever, so do not delete the cluster by hand.
set -Eeuo pipefail

PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
CLUSTER="${REPLICA_CLUSTER:-replica}"
SLOT="${REPLICA_SLOT:-shamy_replica}"
VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"
DATA_DIR="/var/lib/postgresql/$VERSION/$CLUSTER"
PRIMARY_HBA="/etc/postgresql/$VERSION/main/pg_hba.conf"

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }
primary() { psql "postgres://postgres@$PRIMARY_HOST:$PRIMARY_PORT/postgres" -XAtqc "$1"; }
replica() { psql "postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres" -XAtqc "$1"; }
cluster_exists() { pg_lsclusters --no-header | awk '{print $1 "/" $2}' | grep -qx "$VERSION/$CLUSTER"; }
is_standby() { [[ "$(replica 'SELECT pg_is_in_recovery()' 2>/dev/null)" == t ]]; }
# Seconds the replica is behind: 0 when it has replayed all it received, else the age of the last
# transaction it replayed (the same measure as /readyz, shamy/core/replicas.py).
LAG_SQL="SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
 THEN 0 ELSE round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 1) END"

wait_until_standby() {
    for _ in $(seq 1 60); do
        is_standby && return 0
        sleep 1
    done
    echo "the replica on port $REPLICA_PORT did not come up as a standby; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log" >&2
    return 1
}

case "${1:-}" in
    --status)
        if is_standby; then
            echo "replica $VERSION/$CLUSTER on port $REPLICA_PORT: up, streaming, lag $(replica "$LAG_SQL") s"
        else
            echo "replica $VERSION/$CLUSTER on port $REPLICA_PORT: not running as a standby"
            exit 1
        fi
        exit 0
        ;;
    --remove)
        if cluster_exists; then as_root pg_dropcluster --stop "$VERSION" "$CLUSTER"; fi
        primary "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
        echo "replica $VERSION/$CLUSTER removed"
        exit 0
        ;;
    "") ;;
    *)
        echo "usage: $0 [--status|--remove]" >&2
        exit 2
        ;;
esac

# Up already: nothing to do.
if is_standby; then
    echo "replica $VERSION/$CLUSTER already up on port $REPLICA_PORT (lag $(replica "$LAG_SQL") s)"
    exit 0
fi

# 1. The primary allows replication.
wal_level=$(primary "SHOW wal_level")
senders=$(primary "SHOW max_wal_senders")
if [[ "$wal_level" == minimal || "$senders" == 0 ]]; then
    echo "the primary has wal_level=$wal_level, max_wal_senders=$senders: set wal_level=replica and" \
        "max_wal_senders>0 in its postgresql.conf and restart it (this script never restarts the primary)" >&2
    exit 1
fi
if ! as_root grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$PRIMARY_HBA"; then
    echo "allowing local replication connections in $PRIMARY_HBA (reload, not restart)"
    as_root sed -i '1i host replication postgres 127.0.0.1/32 trust' "$PRIMARY_HBA"
    primary "SELECT pg_reload_conf()" >/dev/null
fi

# 2. The cluster: configuration from pg_createcluster, data from pg_basebackup.
if cluster_exists && as_root test -f "$DATA_DIR/standby.signal"; then
    echo "starting the existing replica $VERSION/$CLUSTER"
else
    if cluster_exists; then  # half made (an earlier run was interrupted): make it again
        as_root pg_dropcluster --stop "$VERSION" "$CLUSTER"
    fi
    echo "creating cluster $VERSION/$CLUSTER on port $REPLICA_PORT"
    as_root pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
    # A standby needs at least the primary's max_connections. Feedback keeps long analytics
    # queries on the replica from being cancelled by the primary's vacuum.
    as_root tee "$CONF_DIR/conf.d/90-replica.conf" >/dev/null <<EOF
# Written by deploy/replica.sh: a hot standby of $VERSION/main for the heavy reads.
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
hot_standby = on
hot_standby_feedback = on
max_connections = $(primary "SHOW max_connections")
EOF
    # The same client authentication as the primary: whoever may read the primary may read its copy.
    as_root cp "$PRIMARY_HBA" "$CONF_DIR/pg_hba.conf"
    as_root find "$DATA_DIR" -mindepth 1 -delete
    slot_flag=(--create-slot)
    if [[ -n "$(primary "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT'")" ]]; then
        slot_flag=()  # left by an earlier replica: reuse it
    fi
    echo "copying the primary with pg_basebackup (slot $SLOT)"
    as_postgres pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA_DIR" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast --slot="$SLOT" "${slot_flag[@]}"
fi

# 3. Start it and wait until it answers as a standby.
if ! pg_lsclusters --no-header | awk '{print $1 "/" $2, $4}' | grep -q "^$VERSION/$CLUSTER online"; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
fi
wait_until_standby
echo "replica $VERSION/$CLUSTER up on port $REPLICA_PORT (lag $(replica "$LAG_SQL") s):" \
    "REPLICA_DATABASE_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/<database>"
