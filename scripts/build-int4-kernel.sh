#!/bin/sh
# Rebuilds engine/moe/runtime/int4-kernel/int4-gemv.wasm from its C source with clang and lld
# (Debian: apt-get install clang lld). The .wasm is committed, so running the engine needs no
# compiler; int4-gemv.test.ts checks the committed file is what this script builds, where the
# clang is the one that built it (Debian 12's clang 14.0.6; other versions build other bytes).
# Usage: scripts/build-int4-kernel.sh [out.wasm]
set -eu
here=$(dirname "$0")/../engine/moe/runtime/int4-kernel
out=${1:-$here/int4-gemv.wasm}
clang --target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--export=__heap_base -Wl,--strip-all -Wl,-z,stack-size=65536 \
  -o "$out" "$here/int4-gemv.c"
