import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoupeError } from '../../../engine/errors.ts';
import { decoderForward, embed } from './decoder.ts';
import { modelForward } from './model.ts';
import { randomImage, randomWeights, tinyConfig } from './random-weights.ts';
import { mediaTokenCount, preprocessImage } from '../../../engine/moe/image-processor.ts';
import { visionForward } from './vision.ts';

const config = tinyConfig();
const text = config.text_config;
const P = config.media_placeholder_token_id!;
const weights = randomWeights(config, 21);
const picture = (w: number, h: number, seed: number) => preprocessImage(randomImage(w, h, seed), w, h, config.vision_config!);

// Two images: 4 placeholders (56×56 → 4×4 grid) at 3…6 and 6 placeholders (84×56 → 4×6) at 9…14.
const a = picture(50, 50, 1);
const b = picture(80, 52, 2);
const ids = [5, 6, 7, ...Array<number>(mediaTokenCount(a, [2, 2])).fill(P), 8, 9, ...Array<number>(mediaTokenCount(b, [2, 2])).fill(P), 10, 11, 12];

test('image features replace exactly the placeholder embeddings, image by image in order', () => {
  const out = modelForward(weights, config, ids, [a, b]);
  assert.equal(ids.length, 18);
  const H = text.hidden_size;
  const inputs = embed(weights, text, ids);
  const [fa, fb] = visionForward(weights, config, [a, b]);
  inputs.data.set(fa!, 3 * H);
  inputs.data.set(fb!, 9 * H);
  const direct = decoderForward(weights, text, inputs);
  assert.deepEqual([...out.logits.data], [...direct.logits.data]);
  assert.deepEqual(out.imageFeatures.map((f) => f.length / H), [4, 6]);
});

test('changing an image changes the logits only from its first placeholder on', () => {
  const V = text.vocab_size;
  const base = modelForward(weights, config, ids, [a, b]).logits.data;
  const changed = modelForward(weights, config, ids, [a, picture(80, 52, 3)]).logits.data;
  assert.deepEqual([...changed.subarray(0, 9 * V)], [...base.subarray(0, 9 * V)], 'positions before the second image are untouched');
  for (let t = 9; t < ids.length; t++) assert.ok([...changed.subarray(t * V, (t + 1) * V)].some((v, i) => v !== base[t * V + i]), `position ${t} changes`);
  const firstChanged = modelForward(weights, config, ids, [picture(50, 50, 4), b]).logits.data;
  assert.deepEqual([...firstChanged.subarray(0, 3 * V)], [...base.subarray(0, 3 * V)]);
  assert.ok([...firstChanged.subarray(3 * V, 4 * V)].some((v, i) => v !== base[3 * V + i]));
});

test('the routing of every MoE layer comes out for every position', () => {
  const out = modelForward(weights, config, ids, [a, b]);
  assert.deepEqual(out.routing.map((r) => r.layer), [1, 2]);
  for (const r of out.routing) assert.equal(r.experts.length, ids.length * text.num_experts_per_tok);
});

test('placeholders and image features must agree in number', () => {
  const isCountError = (e: unknown) => e instanceof LoupeError && e.code === 'INVALID_ARGUMENT' && /placeholder/.test(e.message);
  assert.throws(() => modelForward(weights, config, ids.slice(0, -4), [a, b]), isCountError); // one placeholder short
  assert.throws(() => modelForward(weights, config, [...ids, P], [a, b]), isCountError);
  assert.throws(() => modelForward(weights, config, ids, [a]), isCountError);
  assert.throws(() => modelForward(weights, config, [1, P, 2]), isCountError);
});

test('a text-only prompt needs no vision weights', () => {
  const textOnly = tinyConfig({ withVision: false });
  const w = randomWeights(textOnly, 22);
  assert.ok(![...w.tensors.keys()].some((n) => n.startsWith('vision_tower.')));
  const out = modelForward(w, textOnly, [1, 2, 3]);
  assert.deepEqual(out.logits.shape, [3, textOnly.text_config.vocab_size]);
  assert.throws(() => modelForward(w, textOnly, [1, 2, 3], [a]), (e: unknown) => e instanceof LoupeError && e.code === 'MODEL_UNSUPPORTED');
});
