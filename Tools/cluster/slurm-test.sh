#!/usr/bin/env bash
# A real Slurm run of a sharded fsvideo batch, not a simulation: installs Debian's slurm-wlm and munge if
# needed, starts a one-node cluster on localhost (its own munged, slurmctld and slurmd, private ports and
# state under WORK), submits Tools/cluster/fsvideo-array.sbatch as a 3-task array job making 6 toy-model
# videos (2 prompts × 3 samples, base size, 2 frames, 2 steps), waits for it, then makes the same batch in one
# process and compares. Everything it started is stopped on exit.
#
#   Tools/cluster/slurm-test.sh FSVIDEO_BINARY WORK_DIR
#
# Exit 0: passed (WORK_DIR/sharded and WORK_DIR/single hold the two batches); 1: failed; 77: skipped, with
# the reason on the last line ("SKIP: …") — not root, no apt, Slurm cannot be installed or started.
set -uo pipefail
BIN=$(realpath "${1:?usage: slurm-test.sh FSVIDEO_BINARY WORK_DIR}")
WORK=$(realpath "${2:?usage: slurm-test.sh FSVIDEO_BINARY WORK_DIR}")
HERE=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; exit 1; }
t0=$(date +%s)

[ "$(id -u)" = 0 ] || skip "needs root to install and start Slurm (running as uid $(id -u))"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || skip "slurm-wlm is not installed and there is no apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q -o Acquire::Retries=0 -o Acquire::http::Timeout=20 --no-install-recommends slurm-wlm munge >"$WORK/apt.log" 2>&1 \
        || { apt-get update -q -o Acquire::http::Timeout=20 >>"$WORK/apt.log" 2>&1 && apt-get install -y -q --no-install-recommends slurm-wlm munge >>"$WORK/apt.log" 2>&1; } \
        || skip "cannot install slurm-wlm and munge with apt-get (see $WORK/apt.log)"
fi
t_installed=$(date +%s)

mkdir -p "$WORK/state" "$WORK/spool" "$WORK/munge"
chmod 700 "$WORK" "$WORK/munge"
PIDS=()
cleanup() {
    for p in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/munged.pid"; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    for p in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/munged.pid"; do
        [ -f "$p" ] || continue
        pid=$(cat "$p")
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    return 0
}
trap cleanup EXIT

# munge: our own daemon, key and socket (nothing of the host's is touched).
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$WORK/munge/munge.key"
SOCK="$WORK/munge/munge.sock"
munged --force --key-file="$WORK/munge/munge.key" --socket="$SOCK" --pid-file="$WORK/munge/munged.pid" \
       --log-file="$WORK/munged.log" --seed-file="$WORK/munge/seed" >/dev/null 2>&1 || skip "munged does not start (see $WORK/munged.log)"

HOST=$(hostname -s)
CPUS=$(nproc)
PORT=$((20000 + RANDOM % 20000))
cat >"$WORK/slurm.conf" <<CONF
ClusterName=fsvideotest
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$HOST CPUs=$CPUS RealMemory=1024 State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"
slurmctld -c -f "$SLURM_CONF" >"$WORK/slurmctld.out" 2>&1 || skip "slurmctld does not start (see $WORK/slurmctld.log)"
slurmd -f "$SLURM_CONF" >"$WORK/slurmd.out" 2>&1 || skip "slurmd does not start (see $WORK/slurmd.log)"
for _ in $(seq 60); do
    state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null | head -1)
    [ "$state" = idle ] && break
    sleep 1
done
[ "${state:-}" = idle ] || skip "the one-node Slurm cluster did not come up (node state '${state:-none}'; see $WORK/slurmctld.log)"
t_cluster=$(date +%s)

printf 'a red circle moving right on a black background\na blue square moving left on a gray background\n' >"$WORK/prompts.txt"
FLAGS=(--samples 3 --layout vbench --frames 2 --steps 2 --seed 7)
cd "$WORK"
FSVIDEO="$BIN" sbatch --wait --parsable --array=0-2 --cpus-per-task=1 --mem=200M --time=10:00 \
    --output="$WORK/task-%A_%a.log" --chdir="$WORK" \
    "$HERE/fsvideo-array.sbatch" "$WORK/prompts.txt" "$WORK/sharded" "${FLAGS[@]}" >"$WORK/sbatch.log" 2>&1 \
    || fail "the array job failed: $(cat "$WORK/sbatch.log")"
t_job=$(date +%s)
job=$(head -1 "$WORK/sbatch.log")
for k in 0 1 2; do grep -q "fsvideo shard $k of job $job" "$WORK/task-${job}_$k.log" || fail "array task $k did not run as shard $k"; done

n=$(find "$WORK/sharded" -maxdepth 1 -name '*.mp4' | wc -l)
[ "$n" = 6 ] || fail "expected 6 videos, found $n"
for f in manifests/shard-0-of-3.jsonl manifests/shard-1-of-3.jsonl manifests/shard-2-of-3.jsonl; do
    [ -s "$WORK/sharded/$f" ] || fail "missing $f"
done
"$BIN" manifest "$WORK/sharded" >"$WORK/manifest.log" 2>&1 || fail "merged manifest incomplete: $(cat "$WORK/manifest.log")"
grep -q "6 items .*: 6 done, 0 failed, 0 missing" "$WORK/manifest.log" || fail "unexpected manifest report: $(cat "$WORK/manifest.log")"

"$BIN" generate --prompt-file "$WORK/prompts.txt" --out "$WORK/single" --shard none --quiet "${FLAGS[@]}" >"$WORK/single.log" 2>&1 \
    || fail "the one-process batch failed: $(cat "$WORK/single.log")"
for f in "$WORK"/single/*.mp4; do
    cmp -s "$f" "$WORK/sharded/$(basename "$f")" || fail "$(basename "$f") differs between the Slurm shards and one process"
done
t_end=$(date +%s)
echo "PASS: 3-task array job made 6 videos equal to one process; seconds: install $((t_installed - t0)), cluster start $((t_cluster - t_installed)), job $((t_job - t_cluster)), checks $((t_end - t_job)), total $((t_end - t0))"
