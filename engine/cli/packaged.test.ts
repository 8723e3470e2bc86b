// The CLI as the packaged app carries it: bin/ and engine/ without bench/ and testing/, which
// electron-builder leaves out. It must run, and simply lack the development commands.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

test('without bench/ and testing/, loupe runs and has no bench or create-test command', async () => {
  const app = await mkdtemp(join(tmpdir(), 'loupe-packaged-'));
  try {
    for (const part of ['package.json', 'bin', 'engine']) await cp(join(root, part), join(app, part), { recursive: true });
    await symlink(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');
    const loupe = (...args: string[]) =>
      run(process.execPath, [join(app, 'bin/loupe.js'), ...args]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );

    const help = await loupe('--help');
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /convert/);
    assert.doesNotMatch(help.stdout, /\bbench\b/);
    const models = await loupe('models', '--help');
    assert.match(models.stdout, /convert/);
    assert.doesNotMatch(models.stdout, /create-test/);
    const bench = await loupe('bench', 'd2c', '--pages', app);
    assert.equal(bench.code, 2);
    assert.match(bench.stderr, /unknown command 'bench'/);
  } finally {
    await rm(app, { recursive: true, force: true });
  }
});
