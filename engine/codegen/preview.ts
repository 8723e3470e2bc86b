// Self-contained previews: one HTML document with CSS, scripts, images and fonts inlined
// (data: URIs), so it renders from disk or a string with the network blocked.
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { LoupeError } from '../errors.ts';
import { htmlShell } from './html.ts';
import { MEDIA_TYPES, mediaTypeOf } from './media-types.ts';

/** Loupe's own node_modules: where react and react-dom come from when bundling a preview. */
const OWN_NODE_MODULES = resolvePath(dirname(fileURLToPath(import.meta.url)), '../../node_modules');

/** Pictures and fonts that code imports are inlined as data: URIs. */
const DATAURL_LOADERS: Record<string, esbuild.Loader> = Object.fromEntries(
  Object.entries(MEDIA_TYPES)
    .filter(([, type]) => /^(image|font)\//.test(type))
    .map(([extension]) => [extension, 'dataurl' as const]),
);

/** Reads a file of the code by its path relative to the code's root; undefined when absent. */
export type FileReader = (path: string) => Promise<Uint8Array | undefined>;

/** Normalises `./a/../b.png`, `/b.png` (relative to `from`'s folder or the root) to `b.png`. */
export function joinRelative(fromFile: string, ref: string): string {
  const clean = ref.replace(/[?#].*$/, '');
  const parts = clean.startsWith('/') ? [] : fromFile.split('/').slice(0, -1);
  for (const p of clean.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

const isLocal = (ref: string) => !/^(data:|blob:|[a-z][\w+.-]*:|\/\/|#)/i.test(ref.trim());

async function dataUri(read: FileReader, path: string): Promise<string | undefined> {
  const bytes = await read(path);
  if (!bytes) return undefined;
  const mime = mediaTypeOf(path) ?? 'application/octet-stream';
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

async function replaceAsync(s: string, re: RegExp, fn: (m: RegExpExecArray) => Promise<string>): Promise<string> {
  const parts: Array<string | Promise<string>> = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    parts.push(s.slice(last, m.index), fn(m as RegExpExecArray));
    last = m.index! + m[0].length;
  }
  parts.push(s.slice(last));
  return (await Promise.all(parts)).join('');
}

/** CSS with its relative url()s as data: URIs. */
export function inlineCssUrls(css: string, cssPath: string, read: FileReader): Promise<string> {
  return replaceAsync(css, /url\(\s*(["']?)([^"')]+)\1\s*\)/g, async (m) => {
    const ref = m[2]!;
    if (!isLocal(ref)) return m[0];
    const uri = await dataUri(read, joinRelative(cssPath, ref));
    return uri ? `url("${uri}")` : m[0];
  });
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
const attrValue = (m: RegExpExecArray | null) => (m ? (m[2] ?? m[3] ?? m[4] ?? '') : undefined);

export interface Bundle {
  js: string;
  css: string;
}

/** Bundles a script entry (tsx/jsx/ts/js) for the browser: React from Loupe's node_modules, one IIFE. */
export async function bundleScript(options: { entry: string } | { contents: string; resolveDir: string }, plugins: esbuild.Plugin[] = []): Promise<Bundle> {
  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      ...('entry' in options
        ? { entryPoints: [options.entry] }
        : { stdin: { contents: options.contents, resolveDir: options.resolveDir, loader: 'tsx', sourcefile: 'preview-entry.tsx' } }),
      bundle: true,
      write: false,
      outdir: '/preview-out',
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      minify: true,
      legalComments: 'none',
      charset: 'utf8',
      define: { 'process.env.NODE_ENV': '"production"' },
      nodePaths: [OWN_NODE_MODULES],
      loader: { ...DATAURL_LOADERS, '.css': 'css' },
      logLevel: 'silent',
      plugins,
    });
  } catch (e) {
    const msg = (e as { errors?: esbuild.Message[] }).errors?.map((x) => x.text).join('; ') ?? String(e);
    throw new LoupeError('INPUT_CORRUPT', `The code could not be bundled for a preview: ${msg}`, { cause: e });
  }
  const js = result.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => f.text).join('\n');
  const css = result.outputFiles.filter((f) => f.path.endsWith('.css')).map((f) => f.text).join('\n');
  return { js, css };
}

export const scriptTag = (js: string) => `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
const styleTag = (css: string) => `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`;

/**
 * An HTML document with its stylesheets, scripts, images and fonts inlined. `bundle` turns a
 * referenced script (path relative to the root) into JS and CSS.
 */
export async function inlineHtml(html: string, htmlPath: string, read: FileReader, bundle: (path: string) => Promise<Bundle>): Promise<string> {
  // <link rel="stylesheet" href="styles.css">
  let out = await replaceAsync(html, /<link\b[^>]*>/gi, async (m) => {
    const tag = m[0];
    const rel = attrValue(attr(tag, 'rel'))?.toLowerCase();
    const href = attrValue(attr(tag, 'href'));
    if (rel !== 'stylesheet' || !href || !isLocal(href)) return rel === 'stylesheet' ? '' : tag;
    const path = joinRelative(htmlPath, href);
    const bytes = await read(path);
    if (!bytes) return '';
    return styleTag(await inlineCssUrls(Buffer.from(bytes).toString('utf8'), path, read));
  });
  // <style> blocks
  out = await replaceAsync(out, /(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi, async (m) => `${m[1]}${await inlineCssUrls(m[2]!, htmlPath, read)}${m[3]}`);
  // <script src="main.tsx"></script>: bundled, and moved to the end of the body (a module
  // script is deferred; the inline classic script that replaces it must run after the DOM).
  const scripts: string[] = [];
  const styles: string[] = [];
  out = await replaceAsync(out, /<script\b([^>]*)>\s*<\/script>/gi, async (m) => {
    const src = attrValue(attr(m[0], 'src'));
    if (!src) return m[0];
    if (!isLocal(src)) return '';
    const b = await bundle(joinRelative(htmlPath, src));
    if (b.css) styles.push(styleTag(b.css));
    scripts.push(scriptTag(b.js));
    return '';
  });
  if (styles.length) out = /<\/head>/i.test(out) ? out.replace(/<\/head>/i, () => `${styles.join('\n')}\n</head>`) : styles.join('\n') + out;
  if (scripts.length) out = /<\/body>/i.test(out) ? out.replace(/<\/body>(?![\s\S]*<\/body>)/i, () => `${scripts.join('\n')}\n</body>`) : out + scripts.join('\n');
  // src="" on images and media
  out = await replaceAsync(out, /(<(?:img|source|video|audio|image|input)\b[^>]*?\s(?:src|href|xlink:href)\s*=\s*)("([^"]*)"|'([^']*)')/gi, async (m) => {
    const ref = m[3] ?? m[4] ?? '';
    if (!isLocal(ref)) return m[0];
    const uri = await dataUri(read, joinRelative(htmlPath, ref));
    return uri ? `${m[1]}"${uri}"` : m[0];
  });
  // url() in style="" attributes
  out = await replaceAsync(out, /\sstyle\s*=\s*"([^"]*url\([^"]*)"/gi, async (m) => ` style="${await inlineCssUrls(m[1]!, htmlPath, read)}"`);
  return out;
}

/** A reader over files on disk under `root`. */
export function diskReader(root: string): FileReader {
  return async (path) => {
    try {
      return new Uint8Array(await readFile(join(root, path)));
    } catch {
      return undefined;
    }
  };
}

/** The entry that mounts a component synchronously, so the page is drawn by the time it loads. */
export function mountEntry(componentImport: string, cssImports: string[] = []): string {
  return `${cssImports.map((c) => `import ${JSON.stringify(c)};\n`).join('')}import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import App from ${JSON.stringify(componentImport)};

const root = createRoot(document.getElementById('root')!);
flushSync(() => root.render(<App />));
`;
}

/** `loupe render <file>`: a preview of an .html document or a React component/entry on disk. */
export async function previewFromFile(path: string): Promise<string> {
  const abs = resolvePath(path);
  const dir = dirname(abs);
  const name = abs.slice(dir.length + 1);
  const read = diskReader(dir);
  const source = await read(name);
  if (!source) throw new LoupeError('INPUT_NOT_FOUND', `${path} does not exist or cannot be read.`);
  const ext = extname(abs).toLowerCase();
  const bundleFromDisk = (p: string) => bundleScript({ entry: join(dir, p) });
  if (ext === '.html' || ext === '.htm') {
    return inlineHtml(Buffer.from(source).toString('utf8'), name, read, bundleFromDisk);
  }
  if (['.tsx', '.jsx', '.ts', '.js', '.mjs'].includes(ext)) {
    const code = Buffer.from(source).toString('utf8');
    const isEntry = /\bcreateRoot\s*\(|\bhydrateRoot\s*\(|\bReactDOM\.render\s*\(/.test(code);
    if (!isEntry && !/export\s+default\b/.test(code)) {
      throw new LoupeError('INPUT_UNSUPPORTED', `${path} neither mounts a React app nor default-exports a component.`);
    }
    const bundle = isEntry ? await bundleFromDisk(name) : await bundleScript({ contents: mountEntry(`./${name}`), resolveDir: dir });
    // A component next to its compiled stylesheet (what Loupe generates) gets it too.
    let css = bundle.css;
    if (!isEntry && !/import\s+['"][^'"]+\.css['"]/.test(code)) {
      const sheet = await read('styles.css');
      if (sheet) css = (await inlineCssUrls(Buffer.from(sheet).toString('utf8'), 'styles.css', read)) + css;
    }
    return htmlShell(name, css ? styleTag(css) : '', `<div id="root"></div>\n${scriptTag(bundle.js)}`);
  }
  throw new LoupeError('INPUT_UNSUPPORTED', `${path}: previews are made from .html, .tsx or .jsx files.`);
}

/**
 * Resolves relative imports to files held in memory (the generated code), paths relative to its
 * root; `transform` may rewrite a text file's source before it is compiled.
 */
export function memoryFiles(files: ReadonlyMap<string, string | Uint8Array>, transform?: (path: string, source: string) => string): esbuild.Plugin {
  return {
    name: 'loupe-memory-files',
    setup(build) {
      build.onResolve({ filter: /^\.{0,2}\// }, (args) => {
        const path = joinRelative(args.namespace === 'mem' ? args.importer : '', args.path);
        return files.has(path) ? { path, namespace: 'mem' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'mem' }, (args) => {
        const ext = extname(args.path).toLowerCase();
        const loader: esbuild.Loader = ext in DATAURL_LOADERS ? 'dataurl' : ext === '.css' ? 'css' : (ext.slice(1) as esbuild.Loader);
        const contents = files.get(args.path)!;
        return { contents: transform && typeof contents === 'string' ? transform(args.path, contents) : contents, loader, resolveDir: dirname(OWN_NODE_MODULES) };
      });
    },
  };
}
