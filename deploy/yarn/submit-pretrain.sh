#!/usr/bin/env bash
# Submits pretraining to YARN with GPUs: one barrier task per rank, one GPU per task.
#   deploy/yarn/submit-pretrain.sh CONFIG [hubert train options...]
#   e.g. deploy/yarn/submit-pretrain.sh hubert_base_librispeech       # 32 GPUs: 4 executors x 8
# Environment: HUBERT_STORE (hdfs:///hubert), HUBERT_RUNS (a folder mounted on every GPU node, e.g. NFS),
# HUBERT_QUEUE (hubert), GPUS_PER_NODE (8), HUBERT_JAR, SPARK_SUBMIT (spark-submit).
# The executor count, cores and GPUs follow the config's distributed_world_size, nprocs_per_node and
# spark.cpus_per_task, so the barrier stage gets exactly one slot per rank.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONFIG_NAME="${1:?usage: submit-pretrain.sh CONFIG [train options...] (CONFIG: a name in conf/pretrain/)}"
shift
CONFIG="$ROOT/conf/pretrain/$CONFIG_NAME.yaml"
[ -f "$CONFIG" ] || { echo "submit-pretrain.sh: no config $CONFIG" >&2; exit 2; }

field() {  # field SECTION KEY: a scalar of the pipeline YAML (comments stripped); the CLI validates the whole file
  awk -v s="$1:" -v k="$2:" '$0 ~ "^"s {in_s=1; next} /^[^ #]/ {in_s=0} in_s && $1 == k {print $2; exit}' "$CONFIG"
}
WORLD="$(field distributed_training distributed_world_size)"
PER_NODE="$(field distributed_training nprocs_per_node)"
CPUS_PER_TASK="$(field spark cpus_per_task)"
PER_NODE="${GPUS_PER_NODE:-$PER_NODE}"
if [ $((WORLD % PER_NODE)) -ne 0 ]; then
  echo "submit-pretrain.sh: distributed_world_size $WORLD is not a multiple of $PER_NODE GPUs per executor" >&2
  exit 2
fi
EXECUTORS=$((WORLD / PER_NODE))
JAR="${HUBERT_JAR:-$(ls "$ROOT"/spark-jobs/target/hubert-spark-jobs-*-dist.jar 2>/dev/null | head -n 1)}"
[ -n "$JAR" ] || { echo "submit-pretrain.sh: build the jar first: mvn -B -Pdist -DskipTests package" >&2; exit 2; }
STORE="${HUBERT_STORE:-hdfs:///hubert}"
RUNS="${HUBERT_RUNS:-/mnt/hubert-runs}"

exec "${SPARK_SUBMIT:-spark-submit}" \
  --master yarn --deploy-mode cluster \
  --name "hubert-train-$CONFIG_NAME" \
  --queue "${HUBERT_QUEUE:-hubert}" \
  --properties-file "$ROOT/conf/spark/yarn.conf" \
  --class ai.hubert.cli.HubertCli \
  --num-executors "$EXECUTORS" \
  --executor-cores $((PER_NODE * CPUS_PER_TASK)) \
  --executor-memory 160g \
  --driver-memory 16g \
  --driver-cores 4 \
  --conf spark.executor.memoryOverhead=96g \
  --conf spark.executor.resource.gpu.amount="$PER_NODE" \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.task.cpus="$CPUS_PER_TASK" \
  --files "$ROOT/deploy/scripts/getGpusResources.sh,$ROOT/conf/log4j2.properties,$CONFIG" \
  "$JAR" \
  --store "$STORE" \
  --conf spark.scheduler.barrier.maxConcurrentTasksCheck.interval=15s \
  train --config "$CONFIG_NAME.yaml" --run-dir "$RUNS/$CONFIG_NAME" "$@"
