// Code that runs inside a page (what page.evaluate runs, an init script, the script a preview
// carries) is TypeScript like the rest, in folders named `page/`: tsconfig.page.json checks them
// against the DOM and no Node types, and tsconfig.json leaves them out. A page module's default
// export is its program; its inputs and outputs are types shared with the Node side through
// modules both can import, never through the page module itself (that would pull DOM code into
// the Node program).
//
// Here a page module becomes a script: bundled by esbuild on first use, not at build time, so
// the CLI run through tsx needs no build step and the packaged app bundles from the sources it
// ships (engine/**), with the esbuild binary it already needs for tsx.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** By module URL: one build per page module however many callers ask for it at once. */
const programs = new Map<string, Promise<string>>();

/**
 * Source that runs the page module at `entry` with `args` (passed as JSON) and evaluates to what
 * its program returns: for page.evaluate, addInitScript or a <script>.
 */
export async function pageScript(entry: URL, ...args: Json[]): Promise<string> {
  let program = programs.get(entry.href);
  if (!program) {
    program = bundleProgram(fileURLToPath(entry));
    programs.set(entry.href, program);
    // A failed build is not kept, so the next caller gets a fresh try and its own error.
    program.catch(() => programs.delete(entry.href));
  }
  return `(${await program})(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

/** The name the IIFE gives the module; declared inside the function, it stays out of the page's globals. */
const MODULE = '__pageModule';

async function bundleProgram(path: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: MODULE,
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [pageSources],
  });
  return `function (...args) {\n${result.outputFiles[0].text}return ${MODULE}.default(...args);\n}`;
}

const isPageCode = (file: string) => basename(dirname(file)) === 'page';

/**
 * Sources are read through Node's fs, which Electron lets into the packaged app's asar archive,
 * where esbuild's own process cannot look. Only page code is bundled: anything else is written
 * for Node, and a page has no use for it (type-only imports are gone before anything resolves).
 */
const pageSources: esbuild.Plugin = {
  name: 'page-sources',
  setup(build) {
    build.onResolve({ filter: /.*/ }, ({ path, resolveDir }) => {
      const file = isAbsolute(path) ? path : resolve(resolveDir, path);
      const isFile = isAbsolute(path) || path.startsWith('./') || path.startsWith('../');
      return isFile && isPageCode(file) ? { path: file } : { errors: [{ text: `${path} is not page code: a page module imports only modules in page/ folders` }] };
    });
    build.onLoad({ filter: /.*/ }, async ({ path }) => ({ contents: await readFile(path, 'utf8'), loader: 'ts' }));
  },
};
