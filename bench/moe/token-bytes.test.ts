// The roofline's byte count on a real tiny int4 package and the engine's real routing of each
// decoded token, checked against the package's files themselves.
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isMoeLayer } from '../../engine/moe/config.ts';
import { MoeEngine } from '../../engine/moe/runtime/engine.ts';
import { createTestModel } from '../../testing/moe/test-models.ts';
import { tokenBytes } from './token-bytes.ts';

const work = mkdtempSync(join(tmpdir(), 'loupe-token-bytes-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Bytes of tensor data in a safetensors file: its size less the 8-byte length and the JSON header. */
function tensorDataBytes(path: string): number {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(8);
  readSync(fd, head, 0, 8, 0);
  closeSync(fd);
  return statSync(path).size - 8 - Number(head.readBigUInt64LE());
}

test("a decoded token's bytes: the package's stored dense weights, one embedding row and the distinct experts its routing chose", async () => {
  const written = await createTestModel(join(work, 'tiny'), { size: 'tiny' });
  const engine = await MoeEngine.open(written.dir, { accelerator: 'none', expertThreads: 1 });
  try {
    const t = engine.pkg.config.text_config;
    const bytes = tokenBytes(engine.pkg);
    const weights = (file: string) => tensorDataBytes(join(written.dir, 'weights', file));
    const layers = Array.from({ length: t.num_hidden_layers }, (_, l) => l);
    const moe = layers.filter((l) => isMoeLayer(t, l));
    const expert = bytes.expert(moe[0]!, 0);
    // Every routed expert is stored alike; the files hold each layer's dense part and its experts, the head file the final norm and LM head.
    for (const l of moe) for (let e = 0; e < t.n_routed_experts; e++) assert.equal(bytes.expert(l, e), expert);
    const layerFiles = layers.reduce((sum, l) => sum + weights(`layer-${String(l).padStart(3, '0')}.safetensors`), 0);
    const allExperts = moe.length * t.n_routed_experts * expert;
    assert.equal(bytes.dense - bytes.embeddingRow, layerFiles - allExperts + weights('head.safetensors'));
    assert.equal(bytes.embeddingRow, weights('embed.safetensors') / t.vocab_size);
    assert.equal(engine.pkg.storage('language_model.model.layers.1.mlp.experts.0.gate_proj.weight'), 'int4');
    assert.throws(() => bytes.expert(moe[0]!, t.n_routed_experts), RangeError);

    const prompt = [3, 99, 512, 7, 260];
    const run = engine.generate({ tokens: prompt, maxTokens: 6, recordRouting: true }, () => {});
    const routing = run.routing!;
    assert.equal(routing.length, run.tokens.length, 'the prefill, then one forward per decoded token but the last');
    assert.deepEqual(routing[0]!.map((r) => [r.layer, r.experts.length]), moe.map((l) => [l, prompt.length]));
    for (const step of routing.slice(1)) {
      assert.deepEqual(step.map((r) => r.layer), moe);
      for (const r of step) assert.equal(new Set(r.experts[0]).size, t.num_experts_per_tok);
      assert.equal(bytes.ofStep(step), bytes.dense + moe.length * t.num_experts_per_tok * expert);
    }
    // A prefill's rows share experts: each distinct expert is read once.
    const distinct = routing[0]!.reduce((n, r) => n + new Set(r.experts.flatMap((row) => [...row])).size, 0);
    assert.equal(bytes.ofStep(routing[0]!), bytes.dense + distinct * expert);
    assert.ok(distinct < moe.length * t.num_experts_per_tok * prompt.length);
  } finally {
    engine.close();
  }
});
