#!/usr/bin/env bash
# stop_slurm.sh - stop the daemons that start_slurm.sh started, and only those.
# .ci/run calls it on exit.
#
# Reads $SLURM_STATE_DIR/{slurmd,slurmctld,slurmdbd,mariadbd,munged}.pid, checks that each pid
# still is that daemon, cancels the jobs still queued or running on our
# cluster, sends SIGTERM, waits, and SIGKILLs a daemon only if it is still
# there after the wait. Packages, config and logs are left in place.
set -uo pipefail

STATE_DIR=${SLURM_STATE_DIR:-/tmp/enchanted-slurm}
WAIT=${SLURM_STOP_TIMEOUT:-15}
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

log() { echo "[stop_slurm] $*" >&2; }

# ours DAEMON -> prints the pid if $STATE_DIR/DAEMON.pid names a live DAEMON
ours() {
    local d=$1 pid
    [ -s "$STATE_DIR/$d.pid" ] || return 1
    pid=$(cat "$STATE_DIR/$d.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$d" ] || return 1
    echo "$pid"
}

stop_one() {
    local d=$1 dpid=${2:-} pid i
    if ! pid=$(ours "$d"); then
        [ -f "$STATE_DIR/$d.pid" ] && log "$d: not running (stale pid file removed)"
        rm -f "$STATE_DIR/$d.pid"
        return 0
    fi
    log "stopping $d (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq $((WAIT * 10))); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$d" ] || break
        # a zombie waiting to be reaped counts as gone
        [ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" = Z ] && break
        sleep 0.1
    done
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$d" ] &&
       [ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]; then
        log "$d (pid $pid) still there after ${WAIT}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE_DIR/$d.pid"
    # slurmctld/slurmdbd run as SlurmUser and cannot remove their own pid file
    # in /run; a stale /run/slurmctld.pid makes Debian's slurmctld prerm
    # (apt-get remove) fail, so remove it when it still names the pid we stopped
    if [ -n "$dpid" ] && [ "$(cat "$dpid" 2>/dev/null)" = "$pid" ]; then rm -f "$dpid"; fi
}

# Cancel the jobs of our cluster first, so that no slurmstepd / job process
# outlives slurmd (only when the controller is ours).
if ctld=$(ours slurmctld) && ours slurmd >/dev/null; then
    if [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
        log "cancelling remaining jobs: $(squeue -h -o %i | tr '\n' ' ')"
        scancel --full $(squeue -h -o %i) 2>/dev/null || true
        for i in $(seq $((WAIT * 4))); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.25
        done
    fi
fi

stop_one slurmd /run/slurmd.pid
stop_one slurmctld /run/slurmctld.pid
stop_one slurmdbd /run/slurmdbd.pid
stop_one mariadbd /run/mysqld/mysqld.pid
stop_one munged /run/munge/munged.pid
log "done"
