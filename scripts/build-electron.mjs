#!/usr/bin/env node
// Bundles the desktop shell: the main process (ESM) and the preload (CommonJS, as Electron
// requires for sandboxed preloads) into electron/dist. The engine process is not bundled: it
// runs the engine's TypeScript through tsx, as the CLI does.
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node20', external: ['electron'], absWorkingDir: root, logLevel: 'warning' };

export async function buildElectron() {
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'electron/dist/main.js', format: 'esm' }),
    esbuild.build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'electron/dist/preload.cjs', format: 'cjs' }),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildElectron();
  console.log('desktop shell built into electron/dist');
}
