// The bench model: Kimi-VL-A3B's own config with fewer layers, and its generator's weights.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isMoeLayer, parseModelConfig } from '../../engine/moe/config.ts';
import { openPackage, planPackage } from '../../engine/moe/package.ts';
import { quantLayout } from '../../engine/moe/quant.ts';
import { BENCH_TEXT_LAYERS, BENCH_VISION_LAYERS, benchConfigJson, writeBenchPackage } from './bench-package.ts';

const root = mkdtempSync(join(tmpdir(), 'loupe-bench-package-'));
after(() => rmSync(root, { recursive: true, force: true }));

test("the bench configuration is Kimi-VL-A3B's, widths and routing as published, with fewer layers: about 2.5 GB as int4", () => {
  const published = JSON.parse(readFileSync(new URL('../../models/families/kimi-vl-a3b/config.json', import.meta.url), 'utf8'));
  const bench = benchConfigJson();
  const { num_hidden_layers: textLayers, ...text } = bench.text_config as Record<string, unknown>;
  const { num_hidden_layers: visionLayers, ...vision } = bench.vision_config as Record<string, unknown>;
  assert.deepEqual([textLayers, visionLayers], [BENCH_TEXT_LAYERS, BENCH_VISION_LAYERS]);
  const { num_hidden_layers: _, ...publishedText } = published.text_config;
  const { num_hidden_layers: __, ...publishedVision } = published.vision_config;
  assert.deepEqual(text, publishedText);
  assert.deepEqual(vision, publishedVision);

  const config = parseModelConfig(bench, 'bench');
  const t = config.text_config;
  assert.ok(!isMoeLayer(t, 0) && isMoeLayer(t, 1), 'the first layer dense, as in the release');
  let bytes = 0;
  for (const p of planPackage(config, 4, () => 'BF16')) {
    if (p.storage === 'int4') {
      const l = quantLayout(p.shape[0]!, p.shape[1]!, 4, 32);
      bytes += l.qweightShape.reduce((a, b) => a * b, 1) + 4 * l.scalesLength + l.zeroPointsLength;
    } else bytes += 2 * p.shape.reduce((a, b) => a * b, 1);
  }
  assert.ok(bytes > 2e9 && bytes < 2.7e9, `${(bytes / 1e9).toFixed(2)} GB`);
});

test('a bench-shaped package written directly opens, with weights of mean about 0 and std about 1/√K', async () => {
  const out = join(root, 'bench');
  const written = await writeBenchPackage(out, {
    seed: 2,
    configOverrides: {
      text_config: { vocab_size: 512, hidden_size: 128, intermediate_size: 256, moe_intermediate_size: 64, num_hidden_layers: 3, n_routed_experts: 8, num_experts_per_tok: 2, kv_lora_rank: 32, num_attention_heads: 2 },
      vision_config: { hidden_size: 32, num_attention_heads: 2, intermediate_size: 64, num_hidden_layers: 1, init_pos_emb_height: 4, init_pos_emb_width: 4 },
    },
  });
  const pkg = openPackage(out);
  try {
    assert.equal(pkg.manifest.source?.kind, 'bench-generator');
    assert.equal(pkg.testPackage, true, 'random weights: a test package');
    assert.ok(written.bytes > 0);
    const expert = pkg.get('language_model.model.layers.2.mlp.experts.7.down_proj.weight');
    assert.equal(pkg.storage('language_model.model.layers.2.mlp.experts.7.down_proj.weight'), 'int4');
    const std = (v: Float32Array, mean = 0) => Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(std(expert.data) * Math.sqrt(expert.shape[1]!) - 1) < 0.25, `std ${std(expert.data)} for K = ${expert.shape[1]}`);
    // The LM head's 65 536 weights: their mean is within ~0.005 std of zero by chance, where one
    // zero point for every block would put it at −0.5 code, about −0.11 std.
    const head = pkg.get('language_model.lm_head.weight').data;
    const mean = head.reduce((s, v) => s + v, 0) / head.length;
    assert.ok(Math.abs(mean) < 0.03 * std(head, mean), `mean ${mean}, std ${std(head, mean)}`);
    for (const n of pkg.names()) assert.ok(pkg.get(n).data.every(Number.isFinite), n);
  } finally {
    pkg.close();
  }
});
