import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../codegen/index.ts';
import { landingPage } from '../../testing/codegen/fixtures.ts';
import { exportCode } from './export.ts';

const temp = () => mkdtemp(join(tmpdir(), 'loupe-export-'));

test('an HTML export as a project serves itself with no dependencies', async () => {
  const code = await generate(landingPage(), 'html-css');
  const dir = await temp();
  const written = await exportCode({ ...code, dir, format: 'project', overwrite: false });
  assert.ok(written.includes('index.html') && written.includes('serve.mjs') && written.includes('package.json'));
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.dependencies ?? {}, {});
  const server = spawn(process.execPath, ['serve.mjs'], { cwd: dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // PORT=0 picks a free port; the server prints its address.
    const url = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), await readFile(join(dir, 'index.html'), 'utf8'));
    const escape = await fetch(new URL('/..%2f..%2fetc/passwd', url));
    assert.equal(escape.status, 404);
  } finally {
    server.kill();
  }
});

test('a React export is the generated Vite project, with a README', async () => {
  const code = await generate(landingPage(), 'react-tailwind');
  const dir = await temp();
  await exportCode({ ...code, dir, format: 'project', overwrite: false });
  const names = await readdir(dir);
  for (const f of ['App.tsx', 'main.tsx', 'index.html', 'package.json', 'vite.config.ts', 'README.md']) assert.ok(names.includes(f), f);
  assert.ok(!names.includes('serve.mjs'));
});

test('a folder with files in it is written only when the user confirms', async () => {
  const code = await generate(landingPage(), 'html-css');
  const dir = await temp();
  await writeFile(join(dir, 'mine.txt'), 'keep me');
  await assert.rejects(exportCode({ ...code, dir, format: 'files', overwrite: false }), (e: Error & { code?: string }) => e.code === 'OUTPUT_EXISTS' && /confirm/.test(e.message));
  assert.deepEqual(await readdir(dir), ['mine.txt']);
  await exportCode({ ...code, dir, format: 'files', overwrite: true });
  assert.equal(await readFile(join(dir, 'mine.txt'), 'utf8'), 'keep me');
  assert.ok((await readdir(dir)).includes('index.html'));
  const file = join(dir, 'mine.txt');
  await assert.rejects(exportCode({ ...code, dir: file, format: 'files', overwrite: true }), /is a file/);
});
