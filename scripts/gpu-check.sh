#!/usr/bin/env bash
# The GPU checks, for a fresh machine with an NVIDIA GPU (an H100 or H200 lent through the
# `device` tool): what the machine has for onnxruntime's CUDA provider, the GPU tests, `loupe
# models plan` on the bench model with this GPU's memory and bandwidth, and `loupe bench engine
# --accelerator cuda`. Every step has its own time limit, and one that could end past 470 s is
# skipped, so the whole stays under 8 minutes; a step whose prerequisite is missing says so and
# the rest go on. Results go to $OUT (at most 8
# files): gpu-check.txt (the summary), env.txt, tests.log, plan.txt, plan.json, bench.log, and
# bench-cpu.json and bench.json (the engine benchmark without and with CUDA).
#
# Node 20+ and node_modules are needed. A machine without them (the lent ones are recorded
# without Node, and have no network) gets them from .gpu/, which `node scripts/gpu-carry.mjs`
# makes here and the device call carries (`carry: [".gpu"]`); onnxruntime's CUDA provider too,
# where .gpu/ort-cuda/ holds it. The README's "The GPU path" says what can and cannot run on
# the lent machines.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/.gpu-out}
mkdir -p "$OUT"
SUMMARY=$OUT/gpu-check.txt
: >"$SUMMARY"
BUDGET=470 # seconds for all steps, under 8 minutes with the unpacking

say() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }

# step <seconds> <log file> <command…>: runs it under a time limit, appends to the log, says how it went.
step() {
  local limit=$1 log=$2
  shift 2
  if ((SECONDS + limit > BUDGET)); then
    say "skipped (no time left in the ${BUDGET} s budget): $*"
    return 1
  fi
  local t0=$SECONDS
  printf '$ %s\n' "$*" >>"$OUT/$log"
  timeout "$limit" "$@" >>"$OUT/$log" 2>&1
  local rc=$?
  say "exit $rc after $((SECONDS - t0)) s (limit $limit): $* (log: $log)"
  return $rc
}

say "== gpu-check $(date -u +%FT%TZ) on $(hostname)"

# 1. The machine: GPU, driver, CUDA libraries onnxruntime's CUDA 12 provider links against.
{
  echo "## nvidia-smi"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || echo "nvidia-smi: not found"
  echo "## CUDA 12 / cuDNN 9 libraries (what libonnxruntime_providers_cuda.so 1.30 needs)"
  for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9; do
    found=$(ldconfig -p 2>/dev/null | grep -m1 " $lib " | sed 's/.*=> //')
    [ -z "$found" ] && found=$(timeout 20 find / -xdev -name "$lib*" -print -quit 2>/dev/null)
    echo "$lib: ${found:-missing}"
  done
  echo "## CUDA libraries that are there"
  ldconfig -p 2>/dev/null | grep -E 'libcudart|libcublas\.|libcudnn\.' | head -n 8
  echo "## python3"
  python3 -c 'import torch, onnxruntime; print("torch", torch.__version__, "cuda", torch.version.cuda, "| onnxruntime", onnxruntime.__version__, onnxruntime.get_available_providers())' 2>&1 | tail -n 1
} >"$OUT/env.txt" 2>&1
GPU_MIB=$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits 2>/dev/null | head -n 1 | tr -d ' ')
say "GPU: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1) ${GPU_MIB:-?} MiB; CUDA 12 libraries: $(grep -c ': /' "$OUT/env.txt") of 6 found (env.txt)"

# 2. Node and node_modules, from .gpu/ where the machine has none.
if ! command -v node >/dev/null && [ -f .gpu/node.xz ]; then
  mkdir -p /tmp/loupe-node && xz -dc .gpu/node.xz >/tmp/loupe-node/node && chmod +x /tmp/loupe-node/node
  export PATH=/tmp/loupe-node:$PATH
fi
if [ ! -d node_modules/onnxruntime-node ] && [ -f .gpu/node_modules.tar.xz ]; then
  rm -f node_modules # a link to the checkout's own node_modules travels as a link and dangles here
  tar -xJf .gpu/node_modules.tar.xz
fi
if ! command -v node >/dev/null || [ ! -d node_modules/onnxruntime-node ]; then
  say "No Node or no node_modules here, and none in .gpu/ (run \`node scripts/gpu-carry.mjs\` and carry .gpu): nothing of Loupe can run."
  exit 0
fi
say "Node $(node --version)"

# 3. onnxruntime-node's CUDA provider: in its install folder, or carried in .gpu/ort-cuda/.
ORT_BIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
if [ ! -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ] && [ -f .gpu/ort-cuda/libonnxruntime_providers_cuda.so ]; then
  cp .gpu/ort-cuda/*.so "$ORT_BIN/"
fi
CUDA_USABLE=$(node --import tsx -e "import('./engine/moe/runtime/ort-session.ts').then((m) => console.log(m.availableDevices().includes('cuda') ? 'yes' : 'no'))" 2>/dev/null)
if [ -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  say "onnxruntime-node's CUDA provider: installed; usable: ${CUDA_USABLE:-no}"
else
  say "onnxruntime-node's CUDA provider: not installed (its install downloads it from NuGet; see the README), so no graph runs on the GPU here"
fi

# 4. The GPU's read bandwidth with PyTorch (the lent machines have it), for the plan when onnxruntime cannot measure it.
GPU_GBPS=$(timeout 60 python3 - <<'PY' 2>/dev/null
import torch
x = torch.ones(2**28, device="cuda")  # 1 GiB of float32
for _ in range(3): x.sum()
times = []
for _ in range(10):
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record(); x.sum(); b.record(); torch.cuda.synchronize()
    times.append(a.elapsed_time(b) / 1e3)
times.sort()
print(f"{x.numel() * 4 / times[len(times) // 2] / 1e9:.0f}")
PY
)
say "GPU read bandwidth (PyTorch, sum over 1 GiB of float32, median of 10): ${GPU_GBPS:-not measured} GB/s"

# 5. The GPU tests (skipped with the reason where the CUDA provider is not usable), and the CPU ones they stand on.
step 100 tests.log node scripts/run-tests.mjs engine/moe/runtime/cuda.test.ts engine/moe/runtime/ort-session.test.ts engine/moe/runtime/placement.test.ts
grep -E '^# (pass|fail|skipped)' "$OUT/tests.log" | tee -a "$SUMMARY"

# 6. The bench model (~1.8 GB), then the plan for this GPU and for a small share of it.
BENCH=/tmp/loupe-bench
step 100 bench.log node bin/loupe.js models create-test "$BENCH" --size bench --force
if [ -f "$BENCH/manifest.json" ]; then
  bandwidth=()
  [ "$CUDA_USABLE" != yes ] && [ -n "$GPU_GBPS" ] && bandwidth=(--gpu-bandwidth "$GPU_GBPS")
  for mem in "${GPU_MIB:-81920}MiB" 1GiB; do
    step 45 plan.txt node bin/loupe.js models plan "$BENCH" --gpu-mem "$mem" --ram 100GiB "${bandwidth[@]}"
  done
  # The JSON with the CPU bandwidth the text plan measured, so it is not measured a third time.
  ram_gbps=$(grep -m1 -oE 'at [0-9.]+ GB/s \(measured' "$OUT/plan.txt" | grep -oE '[0-9.]+' | head -n 1)
  ((SECONDS + 30 <= BUDGET)) && timeout 30 node bin/loupe.js models plan "$BENCH" --gpu-mem "${GPU_MIB:-81920}MiB" --ram 100GiB "${bandwidth[@]}" ${ram_gbps:+--ram-bandwidth "$ram_gbps"} --json >"$OUT/plan.json" 2>>"$OUT/plan.txt"
  grep -E '^(Expected decode|  (GPU|CPU|files) )' "$OUT/plan.txt" | tee -a "$SUMMARY"
fi

# 7. The engine benchmark on CUDA.
if ! node bin/loupe.js bench engine --help 2>/dev/null | grep -q -- '--accelerator'; then
  say "loupe bench engine has no --accelerator option in this checkout: the GPU benchmark cannot be asked for"
elif [ "$CUDA_USABLE" != yes ]; then
  say "loupe bench engine --accelerator cuda: not run, onnxruntime's CUDA provider is not usable here"
else
  # The CPU baseline first, on the same machine in the same call, so the two compare.
  step 120 bench.log node bin/loupe.js bench engine --model "$BENCH" --accelerator none --repeats 3 --json "$OUT/bench-cpu.json"
  step 180 bench.log node bin/loupe.js bench engine --model "$BENCH" --accelerator cuda --repeats 3 --json "$OUT/bench.json"
fi
say "== done in $SECONDS s"
