#!/usr/bin/env node
// Builds the app's UI (renderer/src) into renderer/dist: one bundle for the page, one per Monaco
// worker, Monaco's icon font beside them. Everything is local: the app never loads code from a CDN.
import * as esbuild from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'renderer/dist');
const monaco = 'monaco-editor/esm/vs';
const WORKERS = {
  'editor.worker': `${monaco}/editor/editor.worker.js`,
  'ts.worker': `${monaco}/language/typescript/ts.worker.js`,
  'html.worker': `${monaco}/language/html/html.worker.js`,
  'css.worker': `${monaco}/language/css/css.worker.js`,
  'json.worker': `${monaco}/language/json/json.worker.js`,
};
const production = process.argv.includes('--production');
const common = { bundle: true, minify: production, sourcemap: production ? false : 'linked', logLevel: 'warning', absWorkingDir: root };

export async function buildRenderer() {
  await mkdir(out, { recursive: true });
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { app: 'renderer/src/main.tsx' },
      outdir: out,
      format: 'esm',
      jsx: 'automatic',
      loader: { '.ttf': 'file' },
      define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    }),
    esbuild.build({ ...common, entryPoints: WORKERS, outdir: join(out, 'workers'), format: 'iife' }),
    writeFile(join(out, 'index.html'), INDEX_HTML),
  ]);
  return out;
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Loupe</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="app.css" />
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="app.js"></script>
  </body>
</html>
`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  await buildRenderer();
  console.log(`renderer built into renderer/dist in ${Math.round(performance.now() - started)} ms`);
}
