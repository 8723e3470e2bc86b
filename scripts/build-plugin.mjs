#!/usr/bin/env node
// Builds the Figma plugin into the two files Figma loads: dist/code.js (the sandbox's code, one
// script) and dist/ui.html (the UI with its script inlined: Figma loads no other files).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../figma-plugin/', import.meta.url);
const dist = new URL('dist/', root);
mkdirSync(dist, { recursive: true });
const common = { bundle: true, format: 'iife', target: 'es2020', minify: true, write: false, logLevel: 'warning' };

const code = await build({ ...common, entryPoints: [new URL('src/code.ts', root).pathname] });
writeFileSync(new URL('code.js', dist), code.outputFiles[0].text);

const ui = await build({ ...common, entryPoints: [new URL('src/ui.ts', root).pathname] });
// A `</script>` inside the bundle would end the inlined script early.
const script = ui.outputFiles[0].text.replaceAll('</script', '<\\/script');
const html = readFileSync(new URL('src/ui.html', root), 'utf8');
const marker = /<script>[^<]*<\/script>/;
if (!marker.test(html)) throw new Error('figma-plugin/src/ui.html has no <script> placeholder for ui.ts');
writeFileSync(new URL('ui.html', dist), html.replace(marker, () => `<script>${script}</script>`));
console.log(`figma-plugin/dist: code.js ${code.outputFiles[0].text.length} B, ui.html ${script.length} B of script`);
