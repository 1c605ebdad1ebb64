#!/usr/bin/env bash
# Prints the environment an IJava kernel needs for notebooks/*.ipynb: the project's class path and Spark 4.1's
# JVM flags on Java 17. Usage (from the repository root, after `mvn -B -DskipTests install`):
#   eval "$(notebooks/ijava-env.sh)" && jupyter lab notebooks/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP_FILE="$ROOT/spark-jobs/target/classpath.txt"
[ -f "$CP_FILE" ] || { echo "ijava-env.sh: build first: mvn -B -DskipTests install" >&2; exit 1; }
FLAGS="$(sed -n 's/^SPARK_JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/bin/hubert")"
printf 'export IJAVA_CLASSPATH=%q\n' "$ROOT/spark-jobs/target/classes:$(cat "$CP_FILE")"
printf 'export JAVA_TOOL_OPTIONS=%q\n' "$FLAGS -Dai.djl.offline=true -Dhubert.store=$ROOT/hubert-store"
printf 'export SPARK_LOCAL_IP=127.0.0.1\n'
