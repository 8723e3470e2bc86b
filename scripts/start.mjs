#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary is installed, otherwise web mode (the
// same UI served to a browser) with its address printed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer } from './build-renderer.mjs';
import { buildElectron } from './build-electron.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronBinary = () => {
  try {
    // The electron package exports the path of its binary, which exists only once downloaded.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
};

await buildRenderer();
const binary = electronBinary();
if (binary) {
  await buildElectron();
  spawn(binary, [root], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron is not installed (see README: "The desktop app"); starting web mode instead.');
  spawn(process.execPath, [join(root, 'bin/loupe.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root }).on('exit', (code) => process.exit(code ?? 0));
}
