// The CLI as a user runs it: a real process, real files, real Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { failedCodeChecks } from '../compare/index.ts';
import { RenderPool } from '../render/pool.ts';
import { loupe, loupeWith } from '../../testing/run-loupe.ts';
import { writeTwoFrameFigmaFile } from '../../testing/figma/two-frames.ts';

const dir = await mkdtemp(join(tmpdir(), 'loupe-cli-'));


const design = join(dir, 'design.png');
/** The same page at a phone's width: a second design of it. */
const phone = join(dir, 'phone.png');
test.before(async () => {
  const pool = new RenderPool(1);
  const html = `<html><body style="margin:0;font-family:Arial;background:#fafafa">
    <header style="background:#1e3a8a;color:#fff;padding:20px 32px;font-size:28px;font-weight:bold">Acme Analytics</header>
    <main style="padding:32px"><h2 style="margin:0 0 12px;font-size:22px;color:#111">Understand your users</h2>
    <p style="margin:0;font-size:16px;color:#444">Dashboards that load in a second and answer real questions.</p></main></body></html>`;
  const shot = await pool.screenshot(html, { width: 640, height: 300 }, { fullPage: false });
  await writeFile(design, shot.png);
  await writeFile(phone, (await pool.screenshot(html, { width: 360, height: 300 }, { fullPage: false })).png);
  await pool.close();
});

/** The folders a process may write to besides the ones it is told to: a fresh home (and its XDG folders), temp folder and working folder. */
async function elsewhere() {
  const [home, tmp, cwd] = await Promise.all(['home-', 'tmp-', 'cwd-'].map((prefix) => mkdtemp(join(dir, prefix))));
  const env = { ...process.env, HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: tmp, TMP: tmp, TEMP: tmp };
  const written = async () => {
    const under = async (folder: string) => (await readdir(folder, { recursive: true })).map((f) => join(folder, f));
    // tsx's compile cache of Loupe's own source, which a run from source keeps in the temp folder.
    return [...(await under(home)), ...(await readdir(tmp)).filter((f) => !/^tsx-/.test(f)).map((f) => join(tmp, f)), ...(await under(cwd))];
  };
  return { cwd, env, written };
}

test('convert writes code, preview, render, diff and scores, and --json describes them; nothing outside --out', async () => {
  const out = join(dir, 'out');
  const { cwd, env, written } = await elsewhere();
  const { code, stdout, stderr } = await loupeWith({ cwd, env }, 'convert', design, '--out', out, '--json');
  assert.equal(code, 0, stderr);
  // OCR (onnxruntime's telemetry) and Chromium (its crash reporter, GTK's cache) used to leave files in all three.
  assert.deepEqual(await written(), [], 'nothing written to the home, temp or working folder');
  const result = JSON.parse(stdout);
  for (const f of ['index.html', 'preview.html', 'render.png', 'diff.png', 'scores.json']) {
    assert.ok(result.files.includes(f), `${f} listed`);
    assert.ok(existsSync(join(out, f)), `${f} written`);
  }
  const meta = await sharp(join(out, 'render.png')).metadata();
  assert.equal(meta.width, 640, 'viewport width is the design width');
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  assert.deepEqual(scores, { ...result.scores, measuredAgainst: result.measuredAgainst, checks: result.checks });
  assert.deepEqual(failedCodeChecks(result.checks), [], 'the example is code, not a picture');
  assert.ok(scores.text > 0.8, `text found and rendered as text (text=${scores.text})`);
  assert.ok(scores.ssim > 0.5, `render resembles the design (ssim=${scores.ssim})`);
  assert.ok(result.timings.total > 0 && result.timings.perceive >= 0);
  const html = await readFile(join(out, 'index.html'), 'utf8');
  assert.match(html, /Acme Analytics/);
  const preview = await readFile(join(out, 'preview.html'), 'utf8');
  assert.doesNotMatch(preview, /https?:\/\/(?!www\.w3\.org)/, 'preview loads nothing from the network');
});

test('convert --also makes one codebase from a desktop and a phone design, scored at each width', async () => {
  const out = join(dir, 'two');
  // The phone design given first: the wider one is still the base.
  const { code, stdout, stderr } = await loupe('convert', phone, '--also', design, '--out', out, '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.input, design);
  assert.deepEqual([result.also.input, result.also.width], [phone, 360]);
  for (const f of ['index.html', 'render.png', 'narrow-render.png', 'narrow-design.png', 'narrow-diff.png', 'narrow-design.ir.json']) assert.ok(result.files.includes(f), f);
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  assert.ok(scores.ssim > 0.9 && scores.narrow.ssim > 0.9, `SSIM ${scores.ssim} at 640 px, ${scores.narrow.ssim} at 360 px`);
  assert.ok(result.merge.shared > 0 && result.merge.breakpoint === 640, JSON.stringify(result.merge));
  // The phone's layout is written as a range below the breakpoint (the desktop design's width, under a tablet's).
  assert.match(await readFile(join(out, 'index.html'), 'utf8'), /@media \(width < 640px\)/);

  const refused = await loupe('convert', design, '--also', phone, '--mode', 'think', '--out', join(dir, 'two-think'));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /perception in fast mode/);
});

test('convert --node --also-node makes one codebase from two frames of a Figma file, from their exact values, scored at each width', async () => {
  const pool = new RenderPool(1);
  const file = await writeTwoFrameFigmaFile(pool, await mkdtemp(join(dir, 'figma-')));
  await pool.close();
  const { desktop, phone } = file.frames;
  const out = join(dir, 'two-frames');
  // The phone frame named first: the wider is still the base.
  const { code, stdout, stderr } = await loupe('convert', file.json, '--node', phone.node, '--also-node', desktop.node, '--png', phone.png, '--also-png', desktop.png, '--out', out, '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.deepEqual([result.measuredAgainst, result.also.node, result.also.width], ['design image', phone.node, 390]);
  const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
  // Measured when written: SSIM 0.976 at 1280 px and 0.907 at 390 px, as each frame converted alone scores.
  assert.ok(scores.ssim > 0.95 && scores.narrow.ssim > 0.85, `SSIM ${scores.ssim} at 1280 px, ${scores.narrow.ssim} at 390 px`);
  assert.ok(result.merge.shared > 50, `exact values pair across the frames: ${JSON.stringify(result.merge)}`);
  assert.equal((await sharp(join(out, 'narrow-render.png')).metadata()).width, 390);

  for (const [args, message] of [
    [[design, '--also-node', '1:1'], /--also-node names a second frame of a Figma JSON file/],
    [[file.json, '--also', phone.png], /not --also/],
    [[file.json, '--also-png', desktop.png], /name that frame with --also-node/],
    [[file.json, '--also-node', '9:9'], /has no node 9:9/],
  ] as const) {
    const refused = await loupe('convert', ...args, '--out', join(dir, 'two-frames-refused'));
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, message);
  }
});

test('each stack converts', async () => {
  for (const stack of ['html-tailwind', 'react-tailwind']) {
    const out = join(dir, `out-${stack}`);
    const { code, stderr, stdout } = await loupe('convert', design, '--out', out, '--stack', stack, '--json');
    assert.equal(code, 0, stderr);
    const { entry } = JSON.parse(stdout);
    assert.ok(existsSync(join(out, entry)), `${stack} entry ${entry}`);
  }
});

test('render and compare work on files', async () => {
  const page = join(dir, 'page.html');
  await writeFile(page, '<body style="margin:0"><div style="height:500px;background:#00ff00"></div></body>');
  const png = join(dir, 'page.png');
  const r = await loupe('render', page, '--width', '300', '--height', '100', '--out', png);
  assert.equal(r.code, 0, r.stderr);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.width, meta.height], [300, 500]);
  const same = await loupe('compare', png, png, '--json', '--diff', join(dir, 'd.png'));
  assert.equal(same.code, 0, same.stderr);
  assert.equal(JSON.parse(same.stdout).ssim, 1);
  const other = await loupe('compare', png, design, '--json');
  assert.ok(JSON.parse(other.stdout).ssim < 0.9);
});

test('user errors exit 2 with a message naming the file; nothing is written', async () => {
  const out = join(dir, 'never');
  const missing = await loupe('convert', join(dir, 'missing.png'), '--out', out);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing\.png: no such file/);
  await writeFile(join(dir, 'corrupt.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]));
  const corrupt = await loupe('convert', join(dir, 'corrupt.png'), '--out', out);
  assert.equal(corrupt.code, 2);
  assert.match(corrupt.stderr, /corrupt\.png/);
  await writeFile(join(dir, 'zero.png'), '');
  const zero = await loupe('convert', join(dir, 'zero.png'), '--out', out);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /empty/);
  assert.ok(!existsSync(out));
  assert.doesNotMatch(missing.stderr + corrupt.stderr + zero.stderr, /internal error|at .*\.ts:\d+/);
});

test('bad arguments exit 2', async () => {
  assert.equal((await loupe('convert', design, '--out', join(dir, 'x'), '--stack', 'cobol')).code, 2);
  assert.equal((await loupe('convert', design)).code, 2);
  assert.equal((await loupe('render', design, '--width', 'wide', '--out', 'x.png')).code, 2);
  assert.equal((await loupe('frobnicate')).code, 2);
  assert.equal((await loupe('--help')).code, 0);
});

test('a model package from create-test is said to be a test package when a command is given it; one without the mark is not', async () => {
  const testPackage = join(dir, 'test-package');
  assert.equal((await loupe('models', 'create-test', testPackage)).code, 0);
  // The same package as a converted checkpoint (or any package written before the mark) has it: without the field.
  const unmarked = join(dir, 'unmarked');
  await cp(testPackage, unmarked, { recursive: true });
  const manifest = JSON.parse(await readFile(join(unmarked, 'manifest.json'), 'utf8'));
  delete manifest.testPackage;
  await writeFile(join(unmarked, 'manifest.json'), JSON.stringify(manifest));

  const run = (model: string) => loupe('engine', 'run', '--model', model, '--tokens', '1,2,3', '--greedy', '1');
  const onTest = await run(testPackage);
  assert.equal(onTest.code, 0, onTest.stderr);
  assert.ok(onTest.stderr.split('\n').includes(`${testPackage} is a test package (random weights): it will not write code.`), onTest.stderr);
  const onUnmarked = await run(unmarked);
  assert.equal(onUnmarked.code, 0, onUnmarked.stderr);
  assert.doesNotMatch(onUnmarked.stderr, /test package/);
});
