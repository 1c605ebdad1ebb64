#!/usr/bin/env bash
# Scheduled relabeling on YARN: a cron wrapper around spark-submit. Each run scans a checkpoint folder and relabels
# every checkpoint it has not relabelled before (hubert relabel --watch DIR --once), with the same config files as a
# manual run; the state lives in the store (<store>/relabel/<dataset>/), so a failed run is resumed by the next one.
#
#   crontab: */30 * * * * /opt/hubert/deploy/yarn/relabel-cron.sh conf/relabel/hubert_base_iter2.yaml \
#              hdfs:///hubert/runs/hubert_base_librispeech >> /var/log/hubert/relabel-cron.log 2>&1
#
# Environment: HUBERT_JAR (dist jar), HUBERT_STORE (default hdfs:///hubert), SPARK_SUBMIT (default spark-submit),
# HUBERT_EXECUTORS / HUBERT_EXECUTOR_CORES / HUBERT_EXECUTOR_MEMORY, HUBERT_QUEUE, HUBERT_LOCK (lock file).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 CONFIG.yaml CHECKPOINT_DIR [extra hubert relabel options]" >&2
  exit 2
fi
CONFIG="$1"
WATCH="$2"
shift 2
if [ ! -f "$CONFIG" ]; then
  echo "relabel-cron: config $CONFIG does not exist (expected a conf/relabel/*.yaml file)" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${HUBERT_JAR:-$(ls "$ROOT"/spark-jobs/target/hubert-spark-jobs-*-dist.jar 2>/dev/null | head -n 1)}"
if [ -z "$JAR" ] || [ ! -f "$JAR" ]; then
  echo "relabel-cron: no application jar; set HUBERT_JAR or build it with 'mvn -B -Pdist -DskipTests package'" >&2
  exit 2
fi
STORE="${HUBERT_STORE:-hdfs:///hubert}"
LOCK="${HUBERT_LOCK:-/tmp/hubert-relabel-$(basename "$CONFIG" .yaml).lock}"

# One scan at a time per config: a slow relabel must not overlap the next cron tick.
exec 9>"$LOCK"
if ! flock -n 9; then
  echo "relabel-cron: $(date -Is) a scan with $CONFIG is still running (lock $LOCK); skipping this tick"
  exit 0
fi

echo "relabel-cron: $(date -Is) scanning $WATCH with $CONFIG into $STORE"
# --files ships the config next to the driver in cluster mode; the driver reads it by its file name.
set +e
"${SPARK_SUBMIT:-spark-submit}" --master yarn --deploy-mode cluster \
  --name "hubert-relabel-$(basename "$CONFIG" .yaml)" \
  --queue "${HUBERT_QUEUE:-default}" \
  --num-executors "${HUBERT_EXECUTORS:-16}" \
  --executor-cores "${HUBERT_EXECUTOR_CORES:-4}" \
  --executor-memory "${HUBERT_EXECUTOR_MEMORY:-16g}" \
  --conf spark.executor.memoryOverhead=4g \
  --conf spark.driver.extraJavaOptions=-Dai.djl.offline=true \
  --conf spark.executor.extraJavaOptions=-Dai.djl.offline=true \
  --conf spark.dynamicAllocation.enabled=false \
  --files "$CONFIG" \
  --class ai.hubert.cli.HubertCli "$JAR" \
  --store "$STORE" relabel --config "$(basename "$CONFIG")" --watch "$WATCH" --once "$@"
status=$?
echo "relabel-cron: $(date -Is) finished with status $status"
exit $status
