#!/usr/bin/env bash
# Submits relabeling (model features -> k-means -> new label set) to YARN with GPUs shared by tasks.
#   deploy/yarn/submit-relabel.sh CONFIG          # a name in conf/relabel/, e.g. hubert_base_iter2
# Environment: HUBERT_STORE (hdfs:///hubert), HUBERT_QUEUE (hubert), EXECUTORS (4), GPUS_PER_NODE (8),
# HUBERT_JAR, SPARK_SUBMIT (spark-submit). A cron wrapper: deploy/yarn/relabel-cron.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONFIG_NAME="${1:?usage: submit-relabel.sh CONFIG (a name in conf/relabel/)}"
shift
CONFIG="$ROOT/conf/relabel/$CONFIG_NAME.yaml"
[ -f "$CONFIG" ] || { echo "submit-relabel.sh: no config $CONFIG" >&2; exit 2; }
JAR="${HUBERT_JAR:-$(ls "$ROOT"/spark-jobs/target/hubert-spark-jobs-*-dist.jar 2>/dev/null | head -n 1)}"
[ -n "$JAR" ] || { echo "submit-relabel.sh: build the jar first: mvn -B -Pdist -DskipTests package" >&2; exit 2; }
GPUS="${GPUS_PER_NODE:-8}"
CORES=$((GPUS * 8))

exec "${SPARK_SUBMIT:-spark-submit}" \
  --master yarn --deploy-mode cluster \
  --name "hubert-relabel-$CONFIG_NAME" \
  --queue "${HUBERT_QUEUE:-hubert}" \
  --properties-file "$ROOT/conf/spark/yarn.conf" \
  --class ai.hubert.cli.HubertCli \
  --num-executors "${EXECUTORS:-4}" \
  --executor-cores "$CORES" \
  --executor-memory 160g \
  --driver-memory 8g \
  --conf spark.executor.memoryOverhead=64g \
  --conf spark.executor.resource.gpu.amount="$GPUS" \
  --conf spark.task.resource.gpu.amount="$(awk -v g="$GPUS" -v c="$CORES" 'BEGIN {printf "%g", g / c}')" \
  --conf spark.task.cpus=1 \
  --files "$ROOT/deploy/scripts/getGpusResources.sh,$ROOT/conf/log4j2.properties,$CONFIG" \
  "$JAR" \
  --store "${HUBERT_STORE:-hdfs:///hubert}" \
  relabel --config "$CONFIG_NAME.yaml"
