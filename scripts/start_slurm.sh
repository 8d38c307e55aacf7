#!/usr/bin/env bash
# start_slurm.sh - bring up a real single-node SLURM cluster on this machine.
# Used by .ci/run before the test suite (tests/integration/test_slurm.py needs it);
# run it by hand as root to develop against SLURM, and scripts/stop_slurm.sh after.
#
# Debian bookworm, run as root, no systemd needed, no stdin needed.
# Idempotent: installs what is missing, (re)writes /etc/slurm/slurm.conf,
# starts munged, slurmctld and slurmd unless they already run, waits until
# the node is idle, and prints the partition name on stdout (only that;
# progress goes to stderr).
#
# Daemons this script starts are recorded in $SLURM_STATE_DIR/*.pid;
# stop_slurm.sh stops exactly those and nothing else.
#
# Environment knobs (all optional):
#   SLURM_STATE_DIR     where pid files and the copy of the logs go (/tmp/enchanted-slurm)
#   SLURM_PARTITION     partition name (debug)
#   SLURM_CLUSTER_NAME  cluster name (ci)
#   SLURM_START_TIMEOUT seconds to wait for the node to become idle (60)
#   SLURM_KEEP_STATE=1  keep job/node state from an earlier run (default: start clean, slurmctld -c)
#   SLURM_OVERSUBSCRIBE partition OverSubscribe value (NO); e.g. FORCE:4 lets 4 jobs share
#                       each of the 2 cores, so tests can run more than 2 one-core jobs at once
#   SLURM_ACCOUNTING=1  also install/start MariaDB + slurmdbd so that plain `sacct` works
#                       (default 0: no slurmdbd; `sacct -c` reads the jobcomp file instead)
set -euo pipefail

STATE_DIR=${SLURM_STATE_DIR:-/tmp/enchanted-slurm}
PARTITION=${SLURM_PARTITION:-debug}
CLUSTER=${SLURM_CLUSTER_NAME:-ci}
TIMEOUT=${SLURM_START_TIMEOUT:-60}
ACCOUNTING=${SLURM_ACCOUNTING:-0}
OVERSUB=${SLURM_OVERSUBSCRIBE:-NO}
CONF=/etc/slurm/slurm.conf
export DEBIAN_FRONTEND=noninteractive
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

log() { echo "[start_slurm] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$STATE_DIR"

# ---------------------------------------------------------------- install
PKGS="munge slurmctld slurmd slurm-client"
[ "$ACCOUNTING" = 1 ] && PKGS="$PKGS slurmdbd mariadb-server"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null ||
   { [ "$ACCOUNTING" = 1 ] && { ! command -v slurmdbd >/dev/null || ! command -v mariadbd >/dev/null; }; }; then
    log "installing from Debian packages: $PKGS"
    # The packages' postinst would try to start the daemons; without systemd
    # that can only fail or start them outside our control. Deny it for the
    # install unless a policy-rc.d already does (this image ships one).
    OWN_POLICY=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        OWN_POLICY=1
    fi
    for i in 1 2 3; do apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null >&2 && break; sleep 5; done
    for i in 1 2 3; do
        apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            $PKGS </dev/null >&2 && break
        sleep 5
    done
    [ "$OWN_POLICY" = 1 ] && rm -f /usr/sbin/policy-rc.d
    command -v slurmctld >/dev/null || die "slurm install failed"
    if [ "$ACCOUNTING" = 1 ]; then command -v slurmdbd >/dev/null || die "slurmdbd install failed"; fi
fi

# ---------------------------------------------------------------- helpers
# pid_alive PIDFILE COMM -> 0 if the pid in PIDFILE is alive and is COMM
pid_alive() {
    local f=$1 comm=$2 pid
    [ -s "$f" ] || return 1
    pid=$(cat "$f" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [ -r "/proc/$pid/comm" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
    # a zombie is not alive
    [ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]
}
# wait_pidfile DAEMON_PIDFILE COMM SECONDS -> wait until the daemon wrote a live pid
wait_pidfile() {
    local f=$1 comm=$2 n=$(( $3 * 10 ))
    while [ $n -gt 0 ]; do pid_alive "$f" "$comm" && return 0; sleep 0.1; n=$((n - 1)); done
    return 1
}

# ---------------------------------------------------------------- munge
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge
install -d -o munge -g munge -m 0711 /var/lib/munge
install -d -o munge -g munge -m 0700 /etc/munge
if [ ! -s /etc/munge/munge.key ]; then
    log "creating munge key"
    if command -v mungekey >/dev/null; then
        mungekey --create --keyfile=/etc/munge/munge.key
    else
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

if pid_alive "$STATE_DIR/munged.pid" munged; then
    log "munged already running (ours, pid $(cat "$STATE_DIR/munged.pid"))"
elif pid_alive /run/munge/munged.pid munged; then
    log "a munged not started by this script is already running; using it"
else
    log "starting munged"
    rm -f "$STATE_DIR/munged.pid"
    # a munged killed earlier leaves its socket, lock and pid file behind;
    # none of them is locked now, so munged takes them over by itself.
    runuser -u munge -- /usr/sbin/munged </dev/null >>"$STATE_DIR/munged.start.log" 2>&1 ||
        die "munged failed to start: $(tail -5 /var/log/munge/munged.log 2>/dev/null)"
    wait_pidfile /run/munge/munged.pid munged 10 || die "munged did not write its pid file"
    cp /run/munge/munged.pid "$STATE_DIR/munged.pid"
    for i in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n </dev/null | unmunge >/dev/null || die "munge round trip failed"

# ---------------------------------------------------------------- slurm.conf
HOST=$(hostname -s)
# RealMemory exactly as slurmd measures it, so the node is never drained for "Low RealMemory"
MEM=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[ -n "$MEM" ] || MEM=$(free -m | awk '/^Mem:/{print $2}')
CPUS=$(nproc)

install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm
install -d -o root -g root -m 0755 /var/spool/slurmd /etc/slurm

if [ "$ACCOUNTING" = 1 ]; then
    ACCT_LINES="JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819"
else
    ACCT_LINES="JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none"
fi

NEWCONF=$(mktemp)
cat >"$NEWCONF" <<EOF
# written by start_slurm.sh - single-node test cluster on 127.0.0.1, no cgroups
ClusterName=${CLUSTER}
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
${ACCT_LINES}
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# start a submitted batch job at once instead of up to 3 s later (default batch_sched_delay=3)
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM} State=UNKNOWN
PartitionName=${PARTITION} Nodes=${HOST} Default=YES MaxTime=INFINITE OverSubscribe=${OVERSUB} State=UP
EOF
CONF_CHANGED=0
if ! cmp -s "$NEWCONF" "$CONF"; then
    CONF_CHANGED=1
    [ -f "$CONF" ] && [ ! -f "$STATE_DIR/slurm.conf.orig" ] && cp -p "$CONF" "$STATE_DIR/slurm.conf.orig"
    install -m 0644 "$NEWCONF" "$CONF"
    log "wrote $CONF"
fi
rm -f "$NEWCONF"

# if our daemons run with an older config, restart them
if [ "$CONF_CHANGED" = 1 ] && { pid_alive "$STATE_DIR/slurmctld.pid" slurmctld || pid_alive "$STATE_DIR/slurmd.pid" slurmd; }; then
    log "config changed: restarting our slurm daemons"
    for d in slurmd slurmctld; do
        if pid_alive "$STATE_DIR/$d.pid" "$d"; then
            p=$(cat "$STATE_DIR/$d.pid"); kill "$p"
            for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$STATE_DIR/$d.pid"
    done
fi

# ---------------------------------------------------------------- accounting (optional)
if [ "$ACCOUNTING" = 1 ]; then
    install -d -o mysql -g root -m 0755 /run/mysqld
    if pid_alive "$STATE_DIR/mariadbd.pid" mariadbd; then
        log "mariadbd already running (ours, pid $(cat "$STATE_DIR/mariadbd.pid"))"
    elif pid_alive /run/mysqld/mysqld.pid mariadbd; then
        log "a mariadbd not started by this script is already running; using it"
    else
        log "starting mariadbd"
        rm -f "$STATE_DIR/mariadbd.pid"
        setsid /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 \
            --pid-file=/run/mysqld/mysqld.pid --innodb-buffer-pool-size=128M \
            --innodb-lock-wait-timeout=900 \
            </dev/null >>"$STATE_DIR/mariadbd.log" 2>&1 &
        wait_pidfile /run/mysqld/mysqld.pid mariadbd 30 ||
            die "mariadbd did not start: $(tail -20 "$STATE_DIR/mariadbd.log")"
        cp /run/mysqld/mysqld.pid "$STATE_DIR/mariadbd.pid"
    fi
    for i in $(seq 300); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.1; done
    mariadb-admin ping >/dev/null 2>&1 || die "mariadb does not answer"
    # root@localhost logs in through the unix socket (Debian default), no password
    printf '%s\n' \
        "CREATE DATABASE IF NOT EXISTS slurm_acct_db;" \
        "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm-ci-only';" \
        "ALTER USER 'slurm'@'localhost' IDENTIFIED BY 'slurm-ci-only';" \
        "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';" \
        "FLUSH PRIVILEGES;" | mariadb || die "could not create the accounting database"
    NEWDBD=$(mktemp)
    printf '%s\n' \
        "# written by start_slurm.sh" \
        "AuthType=auth/munge" \
        "DbdHost=localhost" \
        "DbdAddr=127.0.0.1" \
        "DbdPort=6819" \
        "SlurmUser=slurm" \
        "PidFile=/run/slurmdbd.pid" \
        "LogFile=/var/log/slurm/slurmdbd.log" \
        "StorageType=accounting_storage/mysql" \
        "StorageHost=localhost" \
        "StorageUser=slurm" \
        "StoragePass=slurm-ci-only" \
        "StorageLoc=slurm_acct_db" >"$NEWDBD"
    if ! cmp -s "$NEWDBD" /etc/slurm/slurmdbd.conf; then
        install -o slurm -g slurm -m 0600 "$NEWDBD" /etc/slurm/slurmdbd.conf
        if pid_alive "$STATE_DIR/slurmdbd.pid" slurmdbd; then
            p=$(cat "$STATE_DIR/slurmdbd.pid"); kill "$p"
            for i in $(seq 100); do pid_alive "$STATE_DIR/slurmdbd.pid" slurmdbd || break; sleep 0.1; done
            rm -f "$STATE_DIR/slurmdbd.pid"
        fi
    fi
    rm -f "$NEWDBD"
    if pid_alive "$STATE_DIR/slurmdbd.pid" slurmdbd; then
        log "slurmdbd already running (ours, pid $(cat "$STATE_DIR/slurmdbd.pid"))"
    elif pid_alive /run/slurmdbd.pid slurmdbd; then
        log "a slurmdbd not started by this script is already running; using it"
    else
        log "starting slurmdbd"
        /usr/sbin/slurmdbd </dev/null >>"$STATE_DIR/slurmdbd.start.log" 2>&1 ||
            die "slurmdbd failed: $(tail -20 /var/log/slurm/slurmdbd.log)"
        wait_pidfile /run/slurmdbd.pid slurmdbd 15 ||
            die "slurmdbd did not start: $(tail -20 /var/log/slurm/slurmdbd.log)"
        cp /run/slurmdbd.pid "$STATE_DIR/slurmdbd.pid"
    fi
    for i in $(seq 150); do sacctmgr -n show cluster >/dev/null 2>&1 && break; sleep 0.2; done
    sacctmgr -n show cluster >/dev/null 2>&1 ||
        die "slurmdbd does not answer: $(tail -5 /var/log/slurm/slurmdbd.log)"
    if ! sacctmgr -n -P show cluster format=cluster 2>/dev/null | grep -qx "$CLUSTER"; then
        log "registering cluster $CLUSTER in slurmdbd"
        sacctmgr -i add cluster "$CLUSTER" >&2 || die "sacctmgr add cluster failed"
    fi
fi

# ---------------------------------------------------------------- daemons
CLEAN=-c
[ "${SLURM_KEEP_STATE:-0}" = 1 ] && CLEAN=

if pid_alive "$STATE_DIR/slurmctld.pid" slurmctld; then
    log "slurmctld already running (ours, pid $(cat "$STATE_DIR/slurmctld.pid"))"
elif pid_alive /run/slurmctld.pid slurmctld; then
    log "a slurmctld not started by this script is already running; using it"
else
    log "starting slurmctld"
    rm -f "$STATE_DIR/slurmctld.pid"
    /usr/sbin/slurmctld $CLEAN </dev/null >>"$STATE_DIR/slurmctld.start.log" 2>&1 ||
        die "slurmctld failed: $(tail -20 /var/log/slurm/slurmctld.log)"
    wait_pidfile /run/slurmctld.pid slurmctld 15 || die "slurmctld did not start: $(tail -20 /var/log/slurm/slurmctld.log)"
    cp /run/slurmctld.pid "$STATE_DIR/slurmctld.pid"
fi

if pid_alive "$STATE_DIR/slurmd.pid" slurmd; then
    log "slurmd already running (ours, pid $(cat "$STATE_DIR/slurmd.pid"))"
elif pid_alive /run/slurmd.pid slurmd; then
    log "a slurmd not started by this script is already running; using it"
else
    log "starting slurmd"
    rm -f "$STATE_DIR/slurmd.pid"
    /usr/sbin/slurmd $CLEAN </dev/null >>"$STATE_DIR/slurmd.start.log" 2>&1 ||
        die "slurmd failed: $(tail -20 /var/log/slurm/slurmd.log)"
    wait_pidfile /run/slurmd.pid slurmd 15 || die "slurmd did not start: $(tail -20 /var/log/slurm/slurmd.log)"
    cp /run/slurmd.pid "$STATE_DIR/slurmd.pid"
fi

# ---------------------------------------------------------------- wait for idle
n=$(( TIMEOUT * 4 ))
state=
while [ $n -gt 0 ]; do
    state=$(sinfo -h -p "$PARTITION" -o '%t' 2>/dev/null | head -1 || true)
    case "$state" in
        idle|mix|alloc) break ;;
        down*|drain*|drng*|fail*)
            # e.g. left DOWN by an earlier run with SLURM_KEEP_STATE=1
            scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.25; n=$((n - 1))
done
case "$state" in
    idle|mix|alloc) ;;
    *)  sinfo -R >&2 || true
        tail -20 /var/log/slurm/slurmctld.log >&2 || true
        tail -20 /var/log/slurm/slurmd.log >&2 || true
        die "node not idle after ${TIMEOUT}s (state '$state')" ;;
esac
log "cluster up: node $HOST is $state in partition $PARTITION"
echo "$PARTITION"
