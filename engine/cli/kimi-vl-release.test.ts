// Kimi-VL-A3B-Instruct and -Thinking as a user gets them: a tiny checkpoint in the release's exact
// layout (testing/moe/published-checkpoint.ts) goes through `loupe models convert` and
// `loupe engine run` with an image, in their own processes, and the prompt's logits are checked
// against the independent reference forward pass (testing/moe/reference/) on the package's
// weights, its prompt built from the checkpoint's own tokenizer and processor files.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loupe } from '../../testing/run-loupe.ts';
import { convertRelease, PUBLISHED_FAMILIES, writeOddSizedPicture, writePublishedCheckpoint } from '../../testing/moe/published-checkpoint.ts';
import { modelForward } from '../../testing/moe/reference/model.ts';
import { promptIds, type ChatMessage } from '../moe/chat-template.ts';
import { imageProcessorFromJson, mediaTokenCount, preprocessImage } from '../moe/image-processor.ts';
import { readNpyFloat32 } from '../moe/npy.ts';
import { openPackage } from '../moe/package.ts';
import { KIMI_PATTERN, loadTokenizer } from '../moe/tokenizer.ts';
import { readDesignImage } from '../ingest/image.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-kimi-vl-'));
test.after(() => rm(dir, { recursive: true, force: true }));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

// A picture that is not a multiple of 28 px, so the processor pads it (pad_input) to a 4×4 grid.
const picture = join(dir, 'screen.png');
test.before(async () => {
  await writeOddSizedPicture(picture);
});

const prompt = 'What is on this screen?';

for (const [index, release] of PUBLISHED_FAMILIES['kimi-vl-a3b'].releases.entries()) {
  const name = release.split('/')[1]!;
  const thinking = name.includes('Thinking');
  test(`${release}: the release's layout converts with loupe models convert and runs an image prompt with loupe engine run as the reference computes it`, async () => {
    const hf = join(dir, name);
    const written = await writePublishedCheckpoint(hf, { family: 'kimi-vl-a3b', seed: 20 + index });
    const pkgDir = join(dir, `${name}-loupe`);
    // What the checkpoint says, recorded at convert time.
    const pkg = await convertRelease(hf, pkgDir, { chatTemplate: 'kimi-vl', specialTokens: written.specialTokens });

    // Thinking: Kimi-VL's template has no thinking switch, so --thinking renders the same prompt.
    const npy = join(dir, `${name}.npy`);
    const run = await loupe('engine', 'run', '--model', pkgDir, '--prompt', prompt, '--image', picture, '--greedy', '1', '--logits', npy, '--accuracy', '0', '--accelerator', 'none', ...(thinking ? ['--thinking'] : []));
    assert.equal(run.code, 0, run.stderr);
    const logits = readNpyFloat32(readFileSync(npy));

    // The reference's prompt, from the checkpoint's files rather than the package's.
    const vision = pkg.config.vision_config!;
    const processor = imageProcessorFromJson(readJson(join(hf, 'preprocessor_config.json')), vision, 'preprocessor_config.json');
    const image = await readDesignImage(picture);
    const pixels = preprocessImage(new Uint8Array(image.rgba), image.width, image.height, vision, processor);
    assert.deepEqual([pixels.gridH, pixels.gridW], [4, 4]);
    const tokenizer = await loadTokenizer({ ranksFile: join(hf, 'tiktoken.model'), pattern: KIMI_PATTERN, specialTokens: written.specialTokens });
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: prompt }] }];
    const { ids } = promptIds(tokenizer, messages, { template: 'kimi-vl', thinking, addGenerationPrompt: true, imageTokens: () => mediaTokenCount(pixels, vision.merge_kernel_size) });
    tokenizer.free();
    // Kimi-VL's markers at the release's ids: the default system turn first, the image's pads after <|media_start|>.
    assert.equal(ids[0], 163594);
    assert.ok(ids.includes(163602), 'the image opens with <|media_start|>');
    assert.equal(ids.filter((id) => id === 163605).length, 4);

    const reference = modelForward(pkg, pkg.config, ids, [pixels]).logits;
    pkg.close();
    assert.deepEqual(logits.shape, reference.shape);
    let worst = 0;
    for (let i = 0; i < reference.data.length; i++) worst = Math.max(worst, Math.abs(logits.data[i]! - reference.data[i]!));
    assert.ok(worst < 1e-3, `max |Δ| ${worst}`);
  });
}

test('a tokenizer_config.json without added tokens is refused at convert; a family with no template here converts and refuses chat prompts, each saying what to do', async () => {
  const hf = join(dir, 'broken');
  await writePublishedCheckpoint(hf, { family: 'kimi-vl-a3b', shards: 1 });
  const good = readFileSync(join(hf, 'tokenizer_config.json'));
  writeFileSync(join(hf, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'TikTokenTokenizer' }));
  const noTokens = await loupe('models', 'convert', hf, join(dir, 'broken-1'));
  assert.equal(noTokens.code, 2, noTokens.stderr);
  assert.match(noTokens.stderr, /tokenizer_config\.json has no added_tokens_decoder.*Copy tokenizer_config\.json from the model's release again/);
  assert.equal(existsSync(join(dir, 'broken-1', 'manifest.json')), false, 'refused before a package was begun');

  writeFileSync(join(hf, 'tokenizer_config.json'), good);
  const config = readJson(join(hf, 'config.json'));
  writeFileSync(join(hf, 'config.json'), JSON.stringify({ ...config, model_type: 'mystery_vl', architectures: ['MysteryVLForConditionalGeneration'] }));
  const out = join(dir, 'mystery');
  const converted = await loupe('models', 'convert', hf, out);
  assert.equal(converted.code, 0, converted.stderr);
  const pkg = openPackage(out);
  assert.equal(pkg.manifest.tokenizer!.chatTemplate, undefined);
  assert.equal(pkg.manifest.tokenizer!.specialTokens!['<|media_pad|>'], 163605);
  pkg.close();
  const chat = await loupe('engine', 'run', '--model', out, '--prompt', prompt, '--accelerator', 'none');
  assert.equal(chat.code, 2, chat.stderr);
  assert.match(chat.stderr, /does not know this model's chat template \(model_type "mystery_vl".*convert one of those releases with its tokenizer files, or send raw token ids \(loupe engine run --tokens\)/);
});
