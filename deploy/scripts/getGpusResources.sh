#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript).
# Prints {"name":"gpu","addresses":["0","1",...]}: the GPUs this container may use, as CUDA device ordinals.
#
# YARN and Kubernetes do not tell Spark which GPUs a container got, so Spark runs this script in every executor.
# It is correct only where the container sees just its own GPUs: YARN with GPU isolation (cgroups or the NVIDIA
# Docker runtime), Kubernetes with the NVIDIA device plugin. With CUDA_VISIBLE_DEVICES set, CUDA renumbers the
# visible devices 0..n-1, so the ordinals are printed, not the physical indices (DJL's Device.gpu(i) takes ordinals).
set -euo pipefail

if [ -n "${CUDA_VISIBLE_DEVICES+x}" ] && [ -n "${CUDA_VISIBLE_DEVICES}" ] && [ "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]; then
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  count=${#visible[@]}
elif command -v nvidia-smi >/dev/null 2>&1; then
  count=$(nvidia-smi --query-gpu=index --format=csv,noheader | grep -c '[0-9]' || true)
else
  echo "getGpusResources.sh: no GPU visible: nvidia-smi is not on PATH and CUDA_VISIBLE_DEVICES is unset" >&2
  count=0
fi

addresses=""
for ((i = 0; i < count; i++)); do
  addresses+="${addresses:+,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
