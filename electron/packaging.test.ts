// The fuses electron-builder.yml flips in the shipped binary, read from the file itself: a fuse
// dropped or turned the wrong way would otherwise go unnoticed until someone audits a release.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

/** The `electronFuses:` block's `name: value` lines (the file keeps it flat: one level, no lists). */
function fusesOf(config: string): Record<string, string> {
  const block = /^electronFuses:\n((?:[ \t]+.*\n?)*)/m.exec(config)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/^[ \t]+(\w+):[ \t]*(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
}

test('the shipped app runs only as itself: no run-as-Node, NODE_OPTIONS or --inspect; code only from a checked asar; cookies encrypted', async () => {
  const config = await readFile(new URL('../electron-builder.yml', import.meta.url), 'utf8');
  assert.deepEqual(fusesOf(config), {
    runAsNode: 'false',
    enableNodeOptionsEnvironmentVariable: 'false',
    enableNodeCliInspectArguments: 'false',
    onlyLoadAppFromAsar: 'true',
    enableEmbeddedAsarIntegrityValidation: 'true',
    enableCookieEncryption: 'true',
    grantFileProtocolExtraPrivileges: 'false',
  });
  // Only-from-asar needs the archive itself.
  assert.match(config, /^asar: true$/m);
});
