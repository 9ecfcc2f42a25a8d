#!/usr/bin/env bash
# End-to-end test of the Slurm job that `coordsim sweep --emit-slurm` writes, on a real
# single-node Slurm cluster on loopback (docs/cluster.md explains the job itself):
#
#   1. a sweep in 4 shards, emitted and submitted with --submit, runs as an array job plus a
#      dependent merge job, and the merged files are the same bytes as the sweep on one machine;
#   2. one shard task is cancelled (scancel) and another one's process killed (SIGKILL) mid-run:
#      the merge job is cancelled, `coordsim merge` refuses and names exactly the missing runs,
#      `bash JOB --shard I` resubmits each shard alone (a merge that still lacks a shard fails
#      and names it), and the final merge is again the same bytes as one machine;
#   3. submitting the whole job again over the finished shards changes nothing.
#
# Needs root. Installs slurm-wlm and munge with apt-get when they are missing; writes its own
# slurm.conf into a temporary folder (SLURM_CONF points there, nothing under /etc/slurm is
# touched); starts munged (unless one already answers), slurmctld and slurmd by hand; stops
# exactly those daemons, by their PIDs, on every exit path (success, failure, Ctrl-C) and checks
# that none is left. Every wait is bounded. Ends with "slurm e2e: N passed, M failed" and exits
# non-zero unless everything passed.
#
# Environment: SLURM_E2E_WAIT  seconds to wait for one job (default 180)
#              SLURM_E2E_KEEP  1 keeps the temporary folder (it is always kept on failure)
# Takes about a minute and a half on 2 cores once the packages are installed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/target/release/coordsim
WAIT=${SLURM_E2E_WAIT:-180}
KEEP=${SLURM_E2E_KEEP:-0}
PASSED=0
FAILED=0
WORK=""
MUNGE_PID="" CTLD_PID="" SLURMD_PID=""
MADE_POLICY=0
STEPD_BEFORE=""
T0=$SECONDS

say() { echo "slurm e2e: [$((SECONDS - T0)) s] $*"; }
pass() {
  PASSED=$((PASSED + 1))
  say "PASS $*"
}
fail() {
  FAILED=$((FAILED + 1))
  say "FAIL $*"
}
# A setup step failed: nothing after it can be tested.
die() {
  fail "$*"
  exit 1
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Teardown: runs on every exit (the INT and TERM traps exit, which runs the EXIT trap).

diagnostics() {
  [ -n "$WORK" ] || return 0
  echo "----- diagnostics (folder $WORK) -----"
  if alive "$CTLD_PID"; then
    squeue -a -o '%.8i %.10T %.12j %.20r %.10M' 2>&1 | sed 's/^/  squeue: /'
    scontrol -o show job 2>&1 | sed 's/^/  job: /' | cut -c1-400
    sinfo -R 2>&1 | sed 's/^/  sinfo -R: /'
  fi
  local f
  # With -D the daemons write their log file and the same lines to stdout: one of the two.
  for f in slurmctld slurmd munged; do
    if [ -s "$WORK/log/$f.log" ]; then f=$WORK/log/$f.log; else f=$WORK/log/$f.out; fi
    [ -s "$f" ] && { echo "  --- tail of $f"; tail -n 15 "$f" | sed 's/^/  /'; }
  done
  while IFS= read -r -d '' f; do
    echo "  --- $f"
    tail -n 20 "$f" | sed 's/^/  /'
  done < <(find "$WORK" -path '*/logs/*.out' -print0 2>/dev/null)
  echo "----- end of diagnostics -----"
}

stop_pid() { # NAME PID: TERM, up to 15 s, then KILL; reaps the child
  local name=$1 pid=$2 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name (pid $pid) ignored SIGTERM for 15 s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# Running (not zombie) slurmstepd processes that were not there before, and processes with our
# folder in their command line.
strays() {
  local pid
  for pid in $(pgrep -x slurmstepd) $(pgrep -f -- "$WORK"); do
    [ "$pid" = $$ ] && continue
    case " $STEPD_BEFORE " in *" $pid "*) continue ;; esac
    case "$(ps -o stat= -p "$pid" 2>/dev/null)" in "" | Z*) continue ;; esac
    echo "$pid"
  done
}

stop_cluster() {
  local ids i left="" pid
  if alive "$CTLD_PID"; then
    # Jobs outlive slurmd (their slurmstepd is a separate process): cancel them first.
    ids=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${ids// /}" ]; then
      say "cancelling jobs still queued or running: $ids"
      # shellcheck disable=SC2086
      scancel $ids 2>/dev/null
      for ((i = 0; i < 300; i++)); do
        [ -z "$(squeue -h 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  stop_pid slurmd "$SLURMD_PID"
  stop_pid slurmctld "$CTLD_PID"
  stop_pid munged "$MUNGE_PID"
  for pid in $SLURMD_PID $CTLD_PID $MUNGE_PID; do
    alive "$pid" && left="$left $pid"
  done
  # Job steps and tasks this cluster started (slurmstepd, coordsim with our folder in its
  # command line) must be gone too; any that survived are ours, so they are stopped by PID.
  # Exited steps may stay zombies for a moment until their parent reaps them: not running.
  # (Only when this script started slurmd: otherwise no slurmstepd can be ours.)
  if [ -n "$WORK" ] && [ -n "$SLURMD_PID" ]; then
    for ((i = 0; i < 50; i++)); do
      [ -z "$(strays)" ] && break
      sleep 0.1
    done
    for pid in $(strays); do
      left="$left $pid"
      ps -o pid=,stat=,args= -p "$pid" | sed 's/^/slurm e2e: left behind: /'
      kill -KILL "$pid" 2>/dev/null
    done
  fi
  if [ -n "$left" ]; then
    fail "processes were left running (pids$left; killed)"
  elif [ -n "$CTLD_PID$MUNGE_PID" ]; then
    say "stopped$([ -n "$MUNGE_PID" ] && echo " munged ($MUNGE_PID)")$([ -n "$CTLD_PID" ] && echo " slurmctld ($CTLD_PID)")$([ -n "$SLURMD_PID" ] && echo " slurmd ($SLURMD_PID)"); none is left"
  fi
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$MADE_POLICY" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then diagnostics; fi
  stop_cluster
  if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=1; fi
  if [ -n "$WORK" ]; then
    if [ "$FAILED" -eq 0 ] && [ "$KEEP" != 1 ]; then
      rm -rf "$WORK"
    else
      say "kept $WORK"
    fi
  fi
  say "took $((SECONDS - T0)) s"
  echo "slurm e2e: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && exit 0
  [ "$rc" -ne 0 ] && exit "$rc"
  exit 1
}
trap on_exit EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# Polls until COMMAND succeeds, for at most SECONDS; fails early if PID (if given) dies.
wait_until() { # SECONDS WHAT PID COMMAND...
  local limit=$1 what=$2 pid=$3 deadline
  shift 3
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! alive "$pid"; then
      say "the daemon (pid $pid) exited while waiting for: $what"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "timed out after ${limit} s waiting for: $what"
      return 1
    fi
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
# Install, configure and start a single-node cluster on loopback.

[ "$(id -u)" = 0 ] || die "needs root (it installs slurm-wlm and munge and starts their daemons)"

installed() {
  command -v sbatch && command -v scontrol && command -v munge && [ -x /usr/sbin/slurmctld ] &&
    [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ]
}
if ! installed >/dev/null 2>&1; then
  say "installing slurm-wlm and munge with apt-get"
  # Keep package scripts from starting daemons themselves (on machines with an init system):
  # every daemon here is started, and stopped, by this script.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d &&
      MADE_POLICY=1
  fi
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null ||
    die "apt-get install slurm-wlm munge failed"
  if [ "$MADE_POLICY" = 1 ]; then
    rm -f /usr/sbin/policy-rc.d
    MADE_POLICY=0
  fi
  installed >/dev/null 2>&1 || die "slurm-wlm and munge are installed but sbatch, slurmctld, slurmd or munged is missing"
fi

if [ ! -x "$BIN" ]; then
  say "building $BIN"
  (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/coordsim-slurm-e2e.XXXXXX") || die "mktemp failed"
chmod 755 "$WORK"
mkdir -p "$WORK"/{bin,etc,state,spool,log,run}
# Every run, on the cluster and on "one machine", uses this one copy of the binary: a rebuild of
# target/ while the test runs must not mix two builds (a sweep's plan records only the version).
cp "$BIN" "$WORK/bin/coordsim" || die "cannot copy $BIN"
BIN=$WORK/bin/coordsim
STEPD_BEFORE=$(pgrep -x slurmstepd | tr '\n' ' ')

for port in 6817 6818; do
  if (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is in use (another Slurm running? see: pgrep -a slurm)"
  fi
done

HOST=$(hostname -s 2>/dev/null || hostname)
CPUS=$(nproc)
MEM_MB=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
REAL_MEM=$((MEM_MB > 2200 ? 2000 : MEM_MB * 9 / 10))
export SLURM_CONF=$WORK/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=coordsim-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
MailProg=/bin/true
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
KillWait=5
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$REAL_MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

munge_ok() { munge -n </dev/null | unmunge; }
if munge_ok >/dev/null 2>&1; then
  say "a munged is already running: using it (and leaving it running)"
else
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile=/etc/munge/munge.key || die "cannot create /etc/munge/munge.key"
    else
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
    fi
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge && chown munge:munge /run/munge
  # setpriv execs munged, so $! is the daemon's own PID; setsid keeps Ctrl-C away from it.
  setsid setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F \
    >"$WORK/log/munged.out" 2>&1 &
  MUNGE_PID=$!
  wait_until 20 "munged to answer" "$MUNGE_PID" munge_ok || die "munged did not start"
fi
setsid /usr/sbin/slurmctld -D >"$WORK/log/slurmctld.out" 2>&1 &
CTLD_PID=$!
wait_until 30 "slurmctld to answer (scontrol ping)" "$CTLD_PID" \
  bash -c 'scontrol ping | grep -q UP' || die "slurmctld did not start"
setsid /usr/sbin/slurmd -D >"$WORK/log/slurmd.out" 2>&1 &
SLURMD_PID=$!
node_idle() { sinfo -h -n "$HOST" -o %T | grep -qx idle; }
wait_until 30 "node $HOST to be idle" "$SLURMD_PID" node_idle ||
  die "slurmd did not bring node $HOST up: $(sinfo -h -o '%T %E' 2>&1)"
for d in "munged:$MUNGE_PID" "slurmctld:$CTLD_PID" "slurmd:$SLURMD_PID"; do
  [ -z "${d#*:}" ] && continue
  [ "$(cat "/proc/${d#*:}/comm" 2>/dev/null)" = "${d%%:*}" ] ||
    die "pid ${d#*:} is not ${d%%:*}: cannot stop it by its PID"
done
say "$(sbatch --version), $(munged --version 2>&1 | head -n 1)"
say "cluster up in $((SECONDS - T0)) s: node $HOST ($CPUS CPUs), munged ${MUNGE_PID:-(already running)}, slurmctld $CTLD_PID, slurmd $SLURMD_PID"

# ---------------------------------------------------------------------------------------------
# Helpers for jobs and results.

ACTIVE='PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|RESIZING|SIGNALING|STAGE_OUT'
# One "TASK=STATE" (array tasks) or "STATE" per record of a job.
job_states() {
  scontrol -o show job "$1" 2>/dev/null | sed -n \
    -e 's/.* ArrayTaskId=\([0-9,-]*\) .* JobState=\([A-Z_]*\) .*/\1=\2/p' \
    -e '/ ArrayTaskId=/!s/.* JobState=\([A-Z_]*\) .*/\1/p' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
job_done() {
  local s
  s=$(job_states "$1")
  [ -n "$s" ] && ! grep -qE "(^|[ =])($ACTIVE)( |$)" <<<"$s"
}
wait_job() { # JOBID WHAT
  wait_until "$WAIT" "$2 (job $1)" "$SLURMD_PID" job_done "$1" && return 0
  say "job $1 is still: $(job_states "$1")"
  return 1
}
# Parses "array job A (...), merge job M" from a submission's output.
parse_ids() {
  ARRAY_JOB=$(sed -n 's/.*array job \([0-9][0-9]*\).*merge job \([0-9][0-9]*\).*/\1/p' <<<"$1")
  MERGE_JOB=$(sed -n 's/.*array job \([0-9][0-9]*\).*merge job \([0-9][0-9]*\).*/\2/p' <<<"$1")
  [ -n "$ARRAY_JOB" ] && [ -n "$MERGE_JOB" ]
}
same_bytes() { # WHAT DIR_A DIR_B
  local f bad=""
  for f in runs.csv timeseries.csv points.csv; do
    cmp -s "$2/$f" "$3/$f" || bad="$bad $f"
  done
  if [ -z "$bad" ]; then
    pass "$1: runs.csv, timeseries.csv, points.csv are byte-identical to one machine ($(wc -c <"$3/timeseries.csv") bytes of time series)"
  else
    fail "$1: differs from one machine in:$bad"
    cmp "$2/runs.csv" "$3/runs.csv" | head -n 3
  fi
}
runs_done() { sed -n 's/.*"runs_done": *\([0-9][0-9]*\).*/\1/p' "$1/.sweep/checkpoint.json" 2>/dev/null; }
in_progress() { # SHARD_DIR: the shard has written at least one batch and not finished
  local d
  d=$(runs_done "$1")
  [ -n "$d" ] && [ "$d" -gt 0 ] && [ ! -e "$1/manifest.json" ]
}
runs_of() { echo "$(($1 * $3 / $2)) $((($1 + 1) * $3 / $2))"; } # I N TOTAL -> "FIRST END"

# The scenario lives in a folder with a space (the script must quote it), absolute paths.
SCEN="$WORK/my scenarios/baseline.toml"
mkdir -p "$WORK/my scenarios"
cp "$ROOT/scenarios/baseline.toml" "$SCEN"
SLURM_FLAGS=(--slurm-shards 4 --slurm-cpus 1 --slurm-partition debug --slurm-time 00:15:00
  --slurm-mem 100M --slurm-extra=--comment=coordsim-e2e --slurm-binary "$BIN" --quiet)

# ---------------------------------------------------------------------------------------------
# 1. Four shards on Slurm give the bytes of one machine.

test_sharded_sweep() {
  local design=(--vary funding.coordination_share=0,0.2,0.4 --vary trust.half_life_ticks=13,26
    --replicates 5 --series-every 13 --seed 7 --set population.communities=120)
  # An output folder with a space and a % sign (an #SBATCH line cannot hold the one, Slurm's
  # file patterns would read the other).
  local out="$WORK/sweep outputs 100%/sweep1" job=$WORK/sweep1.sh submitted states f
  "$BIN" sweep "$SCEN" "${design[@]}" --quiet --out "$WORK/local1" ||
    { fail "sweep on one machine failed"; return 1; }
  submitted=$("$BIN" sweep "$SCEN" "${design[@]}" --out "$out" --emit-slurm "$job" \
    "${SLURM_FLAGS[@]}" --submit 2>&1)
  echo "$submitted" | sed 's/^/  /'
  if ! parse_ids "$submitted"; then
    fail "--submit did not print the job ids"
    return 1
  fi
  pass "--submit submitted array job $ARRAY_JOB and merge job $MERGE_JOB"
  wait_job "$MERGE_JOB" "the merge job" || { fail "the merge job did not finish"; return 1; }
  states="$(job_states "$ARRAY_JOB") | merge $(job_states "$MERGE_JOB")"
  if [ "$states" = "0=COMPLETED 1=COMPLETED 2=COMPLETED 3=COMPLETED | merge COMPLETED" ]; then
    pass "4 array tasks and the merge job completed ($states)"
  else
    fail "job states: $states"
    return 1
  fi
  same_bytes "4-shard sweep on Slurm" "$WORK/local1" "$out/merged"
  for f in shard-0 shard-1 shard-2 shard-3 merge; do
    [ -e "$out/logs/$f.out" ] || break
  done
  if [ -e "$out/logs/merge.out" ] && [ -e "$out/logs/shard-3.out" ] && [ "$f" = merge ]; then
    pass "the job logs are in $out/logs (shard-0.out .. shard-3.out, merge.out)"
  else
    fail "job logs missing from $out/logs: $(ls "$out/logs" 2>&1 | tr '\n' ' ')"
  fi
}

# ---------------------------------------------------------------------------------------------
# 2. A cancelled and a killed shard are resubmitted alone; the merge is the same bytes.

test_failed_shards() {
  # Slow enough to catch mid-run: 96 runs of 1500 ticks, one thread per shard, a checkpoint
  # every 8 runs.
  local design=(--vary funding.coordination_share=0,0.1,0.2,0.4 --replicates 24 --ticks 1500
    --series-every 50 --seed 11)
  local total=96 out=$WORK/sweep2 job=$WORK/sweep2.sh submitted states msg rc pid i
  local d1 d2 first end
  "$BIN" sweep "$SCEN" "${design[@]}" --quiet --out "$WORK/local2" ||
    { fail "sweep on one machine failed"; return 1; }
  submitted=$("$BIN" sweep "$SCEN" "${design[@]}" --out "$out" --emit-slurm "$job" \
    "${SLURM_FLAGS[@]}" --submit 2>&1)
  echo "$submitted" | sed 's/^/  /'
  parse_ids "$submitted" || { fail "--submit did not print the job ids"; return 1; }

  # Shard 1: cancelled by Slurm (SIGTERM), as at a time limit or preemption.
  wait_until "$WAIT" "shard 1 to checkpoint its first batch" "$SLURMD_PID" in_progress "$out/shard-1" ||
    { fail "shard 1 never showed progress"; return 1; }
  scancel "${ARRAY_JOB}_1"
  # Shard 2: its process killed outright (SIGKILL), as by the OOM killer or a node crash.
  wait_until "$WAIT" "shard 2 to checkpoint its first batch" "$SLURMD_PID" in_progress "$out/shard-2" ||
    { fail "shard 2 never showed progress"; return 1; }
  pid=$(pgrep -f -- "--out $out/shard-2\$")
  [ -n "$pid" ] || { fail "cannot find shard 2's process"; return 1; }
  kill -KILL "$pid"
  wait_job "$ARRAY_JOB" "the array job to end" || { fail "the array job did not end"; return 1; }
  wait_job "$MERGE_JOB" "the merge job to be cancelled" || { fail "the merge job did not end"; return 1; }
  states="$(job_states "$ARRAY_JOB") | merge $(job_states "$MERGE_JOB")"
  if [ "$states" = "0=COMPLETED 1=CANCELLED 2=FAILED 3=COMPLETED | merge CANCELLED" ]; then
    pass "shard 1 cancelled mid-run, shard 2 killed mid-run, the merge job cancelled ($states)"
  else
    fail "after killing shards 1 and 2, job states: $states"
    return 1
  fi
  if [ -e "$out/shard-1/manifest.json" ] || [ -e "$out/shard-2/manifest.json" ] || [ -e "$out/merged" ]; then
    fail "a killed shard finished (or a merge was written) anyway: make the sweep slower"
    return 1
  fi

  # The merge refuses, naming the shards and exactly the runs that are missing.
  d1=$(runs_done "$out/shard-1")
  d2=$(runs_done "$out/shard-2")
  msg=$("$BIN" merge "$out"/shard-{0,1,2,3} --out "$WORK/refused" 2>&1)
  rc=$?
  read -r first end < <(runs_of 1 4 $total)
  local want1="shard 1/4 in $out/shard-1 is incomplete: runs $((first + d1))..$end are missing ($d1 of $((end - first)) done"
  read -r first end < <(runs_of 2 4 $total)
  local want2="shard 2/4 in $out/shard-2 is incomplete: runs $((first + d2))..$end are missing ($d2 of $((end - first)) done"
  if [ "$rc" = 2 ] && [[ $msg == *"$want1"* ]] && [[ $msg == *"$want2"* ]] && [ ! -e "$WORK/refused" ]; then
    pass "coordsim merge refuses (exit 2, nothing written) and names the missing runs of shards 1 and 2"
    echo "$msg" | sed 's/^/  /'
  else
    fail "coordsim merge with incomplete shards: exit $rc, said: $msg"
  fi

  # Resubmit shard 1 alone: it resumes; its merge job runs but fails, naming shard 2.
  submitted=$(bash "$job" --shard 1 2>&1)
  echo "  bash $job --shard 1: $submitted"
  parse_ids "$submitted" || { fail "resubmitting shard 1 printed no job ids"; return 1; }
  wait_job "$MERGE_JOB" "the merge job after shard 1" || { fail "the merge job did not end"; return 1; }
  states="$(job_states "$ARRAY_JOB") | merge $(job_states "$MERGE_JOB")"
  if [ "$states" = "1=COMPLETED | merge FAILED" ] &&
    grep -q "shard 2/4 in $out/shard-2 is incomplete" "$out/logs/merge.out"; then
    pass "shard 1 resubmitted alone completed; its merge job failed, naming shard 2 ($states)"
  else
    fail "after resubmitting shard 1: $states; merge log: $(cat "$out/logs/merge.out" 2>&1)"
    return 1
  fi

  # Resubmit shard 2 alone: it resumes after the SIGKILL; now the merge succeeds.
  submitted=$(bash "$job" --shard 2 2>&1)
  echo "  bash $job --shard 2: $submitted"
  parse_ids "$submitted" || { fail "resubmitting shard 2 printed no job ids"; return 1; }
  wait_job "$MERGE_JOB" "the merge job after shard 2" || { fail "the merge job did not end"; return 1; }
  states="$(job_states "$ARRAY_JOB") | merge $(job_states "$MERGE_JOB")"
  if [ "$states" = "2=COMPLETED | merge COMPLETED" ]; then
    pass "shard 2 resubmitted alone completed and the merge job completed ($states)"
  else
    fail "after resubmitting shard 2: $states"
    return 1
  fi
  same_bytes "sweep with a cancelled and a killed shard, resubmitted" "$WORK/local2" "$out/merged"

  # 3. Submitting the whole job again over finished shards recomputes nothing, same bytes.
  mkdir -p "$WORK/before"
  for i in 0 1 2 3; do cp "$out/shard-$i/manifest.json" "$WORK/before/shard-$i.json"; done
  submitted=$(bash "$job" 2>&1)
  parse_ids "$submitted" || { fail "resubmitting the whole job printed no job ids"; return 1; }
  wait_job "$MERGE_JOB" "the merge job of the repeated submission" || { fail "the merge job did not end"; return 1; }
  states="$(job_states "$ARRAY_JOB") | merge $(job_states "$MERGE_JOB")"
  if [ "$states" = "0=COMPLETED 1=COMPLETED 2=COMPLETED 3=COMPLETED | merge COMPLETED" ]; then
    pass "the whole job submitted again over finished shards completed ($states)"
  else
    fail "the whole job submitted again: $states"
    return 1
  fi
  for i in 0 1 2 3; do
    cmp -s "$out/shard-$i/manifest.json" "$WORK/before/shard-$i.json" || break
  done
  if [ "$i" = 3 ] && cmp -s "$out/shard-3/manifest.json" "$WORK/before/shard-3.json"; then
    pass "no finished shard was computed again (shard manifests unchanged)"
  else
    fail "shard $i was computed again"
  fi
  same_bytes "the whole job submitted again" "$WORK/local2" "$out/merged"
}

test_sharded_sweep
test_failed_shards
exit 0
