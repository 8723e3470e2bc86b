// y = W·x for W [N, K] stored as onnxruntime's MatMulNBits int4 (block 32) bytes, as the package
// stores them: qweight [N, B, 16] (two values a byte, low nibble first), scales f32 [N·B], zero
// points [N, ceil(B/2)] (two a byte, low nibble first); a value is (q − zp)·scale. Runs on the
// stored bytes as they are: nothing is unpacked into memory, so an expert needs no session and
// no prepacked copy. Built to WebAssembly SIMD128 by scripts/build-int4-kernel.sh.
//
// Each block is read as eight 16-bit lanes, each lane holding four consecutive values:
// (lane >> 4r) & 15 is value 4j + r of the block for lane j. The activations are laid out to
// match (value 4j + r of a block at r·8 + j), so one block is four lane-wise products, with no
// shuffles. Per block, Σ (q − zp)·x = Σ q·x − zp·Σ x: the zero point costs one multiply.
//
// Two arithmetics, as MatMulNBits' accuracy levels: int8 activations (level 4: each block of x
// quantised to int8 by its largest magnitude, as onnxruntime does, products summed in int32) or
// float32 activations (level 0).
#include <stdint.h>
#include <wasm_simd128.h>

#define BLOCK 32
#define EXPORT(name) __attribute__((export_name(#name)))

static inline float max_abs(float a, float b) {
  float m = a < 0 ? -a : a;
  return m > b ? m : b;
}

// x [rows, K] → per row and block: xq int16 [B·32] in the kernel's order, sx = amax / 127 / 16
// (the block's scale, over the 16 that block_dot_int8 multiplies every product by) and
// xs = amax / 127 · Σ q (the block's sum, as the int8 values q stand for it). The values block_dot_int8
// pairs with the nibbles it takes from the bottom and the top of a lane (0 and 3 of 4) are stored
// as 16 · q, so that every product comes out 16 times too large and the other two nibbles need no shift to the bottom.
EXPORT(quantise_activations) void quantise_activations(const float *x, int rows, int K, int B, int16_t *xq, float *sx, float *xs) {
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (long)i * K;
    for (int b = 0; b < B; b++) {
      int start = b * BLOCK;
      int n = K - start < BLOCK ? K - start : BLOCK;
      float amax = 0;
      for (int k = 0; k < n; k++) amax = max_abs(xr[start + k], amax);
      float scale = amax / 127.0f;
      float inverse = amax != 0 ? 127.0f / amax : 0.0f;
      int16_t *out = xq + ((long)i * B + b) * BLOCK;
      int sum = 0;
      for (int k = 0; k < BLOCK; k++) {
        int q = k < n ? (int)__builtin_rintf(xr[start + k] * inverse) : 0;
        int r = k & 3;
        out[r * 8 + (k >> 2)] = (int16_t)(r == 0 || r == 3 ? 16 * q : q);
        sum += q;
      }
      sx[i * B + b] = scale / 16;
      xs[i * B + b] = scale * (float)sum;
    }
  }
}

// x [rows, K] → per row and block: xa f32 [B·32] in the kernel's order (zeros past K), xs = Σ x.
EXPORT(arrange_activations) void arrange_activations(const float *x, int rows, int K, int B, float *xa, float *xs) {
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (long)i * K;
    for (int b = 0; b < B; b++) {
      int start = b * BLOCK;
      float *out = xa + ((long)i * B + b) * BLOCK;
      float sum = 0;
      for (int k = 0; k < BLOCK; k++) {
        float v = start + k < K ? xr[start + k] : 0.0f;
        out[(k & 3) * 8 + (k >> 2)] = v;
        sum += v;
      }
      xs[i * B + b] = sum;
    }
  }
}

// 16 · Σ q·x over one block, as four int32 partial sums: each lane's nibbles are taken as
// n0 (w & 0xF), 16·n1 (w & 0xF0), 16·n2 ((w >> 4) & 0xF0) and n3 (w >> 12), five operations, and
// paired with 16·x, x, x and 16·x as quantise_activations stored them.
static inline v128_t block_dot_int8(const uint8_t *q, const int16_t *x) {
  v128_t w = wasm_v128_load(q);
  v128_t high = wasm_i16x8_splat(0xF0);
  v128_t d = wasm_i32x4_dot_i16x8(wasm_v128_and(w, wasm_i16x8_splat(15)), wasm_v128_load(x));
  d = wasm_i32x4_add(d, wasm_i32x4_dot_i16x8(wasm_v128_and(w, high), wasm_v128_load(x + 8)));
  d = wasm_i32x4_add(d, wasm_i32x4_dot_i16x8(wasm_v128_and(wasm_u16x8_shr(w, 4), high), wasm_v128_load(x + 16)));
  return wasm_i32x4_add(d, wasm_i32x4_dot_i16x8(wasm_u16x8_shr(w, 12), wasm_v128_load(x + 24)));
}

// Lanes holding whole numbers below 2^23 as floats: 2^23 + n has n as its low mantissa bits.
// (clang 14 turns an extend and convert_i32x4 into one scalar conversion a lane.)
static inline v128_t small_to_f32(v128_t n) {
  return wasm_f32x4_sub(wasm_v128_or(n, wasm_i32x4_splat(0x4B000000)), wasm_f32x4_splat(8388608.0f));
}

// Σ q·x over one block in float32, as four partial sums.
static inline v128_t block_dot_f32(const uint8_t *q, const float *x) {
  v128_t w = wasm_v128_load(q);
  v128_t nibble = wasm_i16x8_splat(15);
  v128_t n[4] = {wasm_v128_and(w, nibble), wasm_v128_and(wasm_u16x8_shr(w, 4), nibble), wasm_v128_and(wasm_u16x8_shr(w, 8), nibble), wasm_u16x8_shr(w, 12)};
  v128_t s = wasm_f32x4_splat(0);
  for (int r = 0; r < 4; r++) {
    s = wasm_f32x4_add(s, wasm_f32x4_mul(small_to_f32(wasm_u32x4_extend_low_u16x8(n[r])), wasm_v128_load(x + r * 8)));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(small_to_f32(wasm_u32x4_extend_high_u16x8(n[r])), wasm_v128_load(x + r * 8 + 4)));
  }
  return s;
}

// Four vectors of four partial sums → the four totals, one a lane.
static inline v128_t sum_lanes_f32(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

static inline float lane_total(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

// Zero points of blocks b…b+3 (b even) as floats: their two bytes' four nibbles.
static inline v128_t zero_points4(const uint8_t *z) {
  uint32_t two = (uint32_t)z[0] | ((uint32_t)z[1] << 8);
  v128_t masked = wasm_v128_and(wasm_i32x4_splat((int32_t)two), wasm_i32x4_make(0xF, 0xF0, 0xF00, 0xF000));
  return wasm_f32x4_mul(wasm_f32x4_convert_i32x4(masked), wasm_f32x4_make(1.0f, 1.0f / 16, 1.0f / 256, 1.0f / 4096));
}

static inline float zero_point(const uint8_t *z, int b) {
  return (float)((z[b >> 1] >> ((b & 1) * 4)) & 15);
}

// Four blocks b…b+3 of one weight row (q, its scales s and zero points z) against x, added to acc:
// each block's 16 · Σ q·x in int32 lanes, scaled by its activation scale bx (a sixteenth of it)
// and its weight scale, less its zero point's share (zp · Σ x, bs).
static inline v128_t four_blocks_int8(v128_t acc, const uint8_t *q, const float *s, const uint8_t *z, const int16_t *x, const float *bx, const float *bs, int b) {
  v128_t ws = wasm_v128_load(s + b);
  v128_t f = wasm_f32x4_mul(wasm_v128_load(bx + b), ws);
  acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(block_dot_int8(q + b * 16, x + b * BLOCK)), wasm_i32x4_shuffle(f, f, 0, 0, 0, 0)));
  acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(block_dot_int8(q + (b + 1) * 16, x + (b + 1) * BLOCK)), wasm_i32x4_shuffle(f, f, 1, 1, 1, 1)));
  acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(block_dot_int8(q + (b + 2) * 16, x + (b + 2) * BLOCK)), wasm_i32x4_shuffle(f, f, 2, 2, 2, 2)));
  acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(block_dot_int8(q + (b + 3) * 16, x + (b + 3) * BLOCK)), wasm_i32x4_shuffle(f, f, 3, 3, 3, 3)));
  return wasm_f32x4_sub(acc, wasm_f32x4_mul(wasm_f32x4_mul(zero_points4(z + (b >> 1)), wasm_v128_load(bs + b)), ws));
}

// The blocks past the last whole four, one by one, added to total.
static inline float last_blocks_int8(float total, const uint8_t *q, const float *s, const uint8_t *z, const int16_t *x, const float *bx, const float *bs, int b, int B) {
  for (; b < B; b++) {
    v128_t d = block_dot_int8(q + b * 16, x + b * BLOCK);
    int dot = wasm_i32x4_extract_lane(d, 0) + wasm_i32x4_extract_lane(d, 1) + wasm_i32x4_extract_lane(d, 2) + wasm_i32x4_extract_lane(d, 3);
    total += s[b] * ((float)dot * bx[b] - zero_point(z, b) * bs[b]);
  }
  return total;
}

// y [rows, N] = x [rows, K] · Wᵀ, x as quantise_activations left it. Each weight row is read
// once for all the rows of x (it stays in cache between them). Weight rows go two at a time, so
// each block of x is loaded once for both.
EXPORT(gemv_int8) void gemv_int8(const uint8_t *qweight, const float *scales, const uint8_t *zero_points, int N, int B, int rows, const int16_t *xq, const float *sx, const float *xs, float *y) {
  int zrow = (B + 1) >> 1;
  int whole = B & ~3;
  int n = 0;
  for (; n + 2 <= N; n += 2) {
    const uint8_t *qa = qweight + (long)n * B * 16, *qb = qa + (long)B * 16;
    const float *sa = scales + (long)n * B, *sb = sa + B;
    const uint8_t *za = zero_points + (long)n * zrow, *zb = za + zrow;
    for (int i = 0; i < rows; i++) {
      const int16_t *x = xq + (long)i * B * BLOCK;
      const float *bx = sx + i * B;
      const float *bs = xs + i * B;
      v128_t acca = wasm_f32x4_splat(0), accb = wasm_f32x4_splat(0);
      for (int b = 0; b < whole; b += 4) {
        acca = four_blocks_int8(acca, qa, sa, za, x, bx, bs, b);
        accb = four_blocks_int8(accb, qb, sb, zb, x, bx, bs, b);
      }
      y[(long)i * N + n] = last_blocks_int8(lane_total(acca), qa, sa, za, x, bx, bs, whole, B);
      y[(long)i * N + n + 1] = last_blocks_int8(lane_total(accb), qb, sb, zb, x, bx, bs, whole, B);
    }
  }
  for (; n < N; n++) {
    const uint8_t *q = qweight + (long)n * B * 16;
    const float *s = scales + (long)n * B;
    const uint8_t *z = zero_points + (long)n * zrow;
    for (int i = 0; i < rows; i++) {
      const int16_t *x = xq + (long)i * B * BLOCK;
      const float *bx = sx + i * B;
      const float *bs = xs + i * B;
      v128_t acc = wasm_f32x4_splat(0);
      for (int b = 0; b < whole; b += 4) acc = four_blocks_int8(acc, q, s, z, x, bx, bs, b);
      y[(long)i * N + n] = last_blocks_int8(lane_total(acc), q, s, z, x, bx, bs, whole, B);
    }
  }
}

// y [rows, N] = x [rows, K] · Wᵀ in float32, x as arrange_activations left it.
EXPORT(gemv_f32) void gemv_f32(const uint8_t *qweight, const float *scales, const uint8_t *zero_points, int N, int B, int rows, const float *xa, const float *xs, float *y) {
  int zrow = (B + 1) >> 1;
  for (int n = 0; n < N; n++) {
    const uint8_t *q = qweight + (long)n * B * 16;
    const float *s = scales + (long)n * B;
    const uint8_t *z = zero_points + (long)n * zrow;
    for (int i = 0; i < rows; i++) {
      const float *x = xa + (long)i * B * BLOCK;
      const float *bs = xs + i * B;
      v128_t acc = wasm_f32x4_splat(0);
      int b = 0;
      for (; b + 4 <= B; b += 4) {
        v128_t dots = sum_lanes_f32(block_dot_f32(q + b * 16, x + b * BLOCK), block_dot_f32(q + (b + 1) * 16, x + (b + 1) * BLOCK),
                                    block_dot_f32(q + (b + 2) * 16, x + (b + 2) * BLOCK), block_dot_f32(q + (b + 3) * 16, x + (b + 3) * BLOCK));
        v128_t blocks = wasm_f32x4_sub(dots, wasm_f32x4_mul(zero_points4(z + (b >> 1)), wasm_v128_load(bs + b)));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(blocks, wasm_v128_load(s + b)));
      }
      float total = lane_total(acc);
      for (; b < B; b++) total += s[b] * (lane_total(block_dot_f32(q + b * 16, x + b * BLOCK)) - zero_point(z, b) * bs[b]);
      y[(long)i * N + n] = total;
    }
  }
}
