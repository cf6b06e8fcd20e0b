#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for testing the Snakemake SLURM profile.
#
#   sudo bash scripts/slurm_local.sh start    # install (if needed) and start munged, slurmctld, slurmd
#   sudo bash scripts/slurm_local.sh status   # sinfo
#   sudo bash scripts/slurm_local.sh stop     # stop the three daemons
#
# Runs as root on a Debian machine (apt-get installs slurm-wlm and munge when missing). The
# node is this host, with its real name, cores and memory; one partition `debug` (default).
# No accounting database: job states come from squeue (MinJobAge keeps finished jobs listed),
# so run Snakemake with `--slurm-status-command squeue --slurm-no-account` against it.
# Idempotent: `start` on a running cluster only checks it; `stop` on a stopped one does nothing.
# The configuration is written to /etc/slurm/slurm.conf (the path every SLURM client reads);
# state and logs live under ${SLURM_LOCAL_DIR:-/var/lib/riskmap-slurm}.
set -euo pipefail

ACTION=${1:-start}
BASE=${SLURM_LOCAL_DIR:-/var/lib/riskmap-slurm}
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
PARTITION=${SLURM_LOCAL_PARTITION:-debug}

log() { printf 'slurm_local: %s\n' "$*" >&2; }

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      exec sudo -n --preserve-env=SLURM_LOCAL_DIR,SLURM_LOCAL_PARTITION bash "$0" "$ACTION"
    fi
    log "must run as root (it installs packages and starts system daemons)"
    exit 1
  fi
}

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null \
     && command -v sbatch >/dev/null; then
    return
  fi
  log "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
}

host_name() { hostname -s; }

write_config() {
  local host cpus mem
  host=$(host_name)
  cpus=$(nproc --all)
  # RealMemory as slurmd itself measures it (MB), minus nothing: this is a test node.
  mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n1)
  if [[ -z $mem ]]; then
    mem=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  fi
  mkdir -p "$CONF_DIR" "$BASE/state" "$BASE/spool" "$BASE/log"
  local tmp
  tmp=$(mktemp)
  cat >"$tmp" <<EOF
# Written by scripts/slurm_local.sh: a single-node test cluster (not for production).
ClusterName=riskmap
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# Finished jobs stay visible to squeue for an hour: job states without an accounting DB.
MinJobAge=3600
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  if ! cmp -s "$tmp" "$CONF"; then
    install -m 0644 "$tmp" "$CONF"
    log "wrote $CONF (node $host, $cpus CPUs, ${mem} MB)"
  fi
  rm -f "$tmp"
}

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_munge() {
  if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile=/etc/munge/munge.key --force
    else
      dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    fi
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    return
  fi
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return
    sleep 0.1
  done
  log "munged did not start"
  exit 1
}

start_slurm() {
  if ! pid_alive "$BASE/slurmctld.pid"; then
    log "starting slurmctld"
    slurmctld -f "$CONF"
  fi
  if ! pid_alive "$BASE/slurmd.pid"; then
    log "starting slurmd"
    slurmd -f "$CONF"
  fi
  local host state
  host=$(host_name)
  for _ in $(seq 60); do
    state=$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null | head -n1 || true)
    case $state in
      idle|mix|alloc) return ;;
      down*|drain*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  log "node $host is not idle (state: ${state:-unknown}); see $BASE/log/"
  tail -n 20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2 || true
  exit 1
}

stop_daemons() {
  local name pidfile
  for name in slurmd slurmctld; do
    pidfile=$BASE/$name.pid
    if pid_alive "$pidfile"; then
      log "stopping $name"
      kill "$(cat "$pidfile")"
      for _ in $(seq 50); do pid_alive "$pidfile" || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
  if [[ -f /run/munge/munged.pid ]] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    log "stopping munged"
    kill "$(cat /run/munge/munged.pid)"
  fi
}

case $ACTION in
  start)
    need_root
    install_packages
    write_config
    start_munge
    start_slurm
    sinfo
    ;;
  stop)
    need_root
    stop_daemons
    ;;
  status)
    sinfo
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
