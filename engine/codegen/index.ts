// Code generators: Design IR → source files for a stack, and the self-contained preview
// of those files that gets rendered and scored. All three stacks write the same element
// tree (tree.ts), so their renders match.
import * as prettier from 'prettier';
import { STACK_NAMES, type Stack } from './stacks.ts';
import type { Design } from '../ir/schema.ts';
import { LoupeError } from '../errors.ts';
import { facesFor, fontFaceCss, fontStack, readFace } from './fonts.ts';
import { LONG_WORDS_CSS, RESET_CSS, classRules, elementHtml, htmlDocument, variableRules, walk } from './html.ts';
import { inlineHtml, bundleScript, memoryFiles, mountEntry, type FileReader } from './preview.ts';
import { withPickingScript } from './preview-picking.ts';
import { markHtml, markJsx } from './source-marks.ts';
import { designComponentSource, designComponents } from './design-components.ts';
import { componentSource, elementJsx, importName, type JsxContext } from './react.ts';
import { compileTailwind, elementClasses, fontThemeNames } from './tailwind.ts';
import { buildPage, placesElement, splitNarrow, type Element, type Markup, type Page } from './tree.ts';
import { mergeWidths, type TwoWidthsReport } from './two-widths.ts';

export { previewFromFile } from './preview.ts';
export { STACK_NAMES, type Stack };
export type { Markup, TwoWidthsReport };

export interface GeneratedFile {
  /** Relative posix path: 'index.html', 'assets/img-1.png', 'fonts/arimo-latin-400-normal.woff2'. */
  path: string;
  contents: string | Uint8Array;
}

export interface GeneratedCode {
  stack: Stack;
  files: GeneratedFile[];
  /** The main file: 'index.html' or 'App.tsx'. */
  entry: string;
}

/** Where a link to another screen of the app points from inside a screen of this stack (see app.ts). */
const screenHref = (stack: Stack, screen: string) => (stack === 'react-tailwind' ? `#${screen}` : `../${screen}/index.html`);

const PRETTIER: prettier.Options = { printWidth: 100, singleQuote: true, htmlWhitespaceSensitivity: 'ignore' };

const format = (source: string, parser: string) => prettier.format(source, { ...PRETTIER, parser });

/**
 * Source files for `design` in `stack`: deterministic (same IR, same bytes) and formatted.
 * `markup`: HTML and CSS that stand in for the content of the nodes it names (html-css only).
 */
export async function generate(design: Design, stack: Stack, markup: ReadonlyMap<string, Markup> = new Map()): Promise<GeneratedCode> {
  if (!(STACK_NAMES as readonly string[]).includes(stack)) throw new LoupeError('INVALID_ARGUMENT', `Unknown stack "${stack}"; choose one of ${STACK_NAMES.join(', ')}.`);
  if (markup.size > 0 && stack !== 'html-css') throw new LoupeError('INVALID_ARGUMENT', `Code written outside the IR goes into html-css only, not ${stack}.`);
  return writePage(buildPage(design, (screen) => screenHref(stack, screen), markup), stack, packageName(design));
}

/** A page from two designs of different widths (two-widths.ts): one element tree, each design's look in its range. */
export async function generateTwoWidths(wide: Design, narrow: Design, stack: Stack): Promise<GeneratedCode & { merge: TwoWidthsReport }> {
  if (!(STACK_NAMES as readonly string[]).includes(stack)) throw new LoupeError('INVALID_ARGUMENT', `Unknown stack "${stack}"; choose one of ${STACK_NAMES.join(', ')}.`);
  const href = (screen: string) => screenHref(stack, screen);
  const { page, report } = mergeWidths(buildPage(wide, href), buildPage(narrow, href));
  return { ...(await writePage(page, stack, packageName(wide))), merge: report };
}

async function writePage(page: Page, stack: Stack, name: string): Promise<GeneratedCode> {
  const faces = facesFor(page.textStyles);
  const binary: GeneratedFile[] = [
    ...page.assets.map((a) => ({ path: a.path, contents: a.bytes })),
    ...(await Promise.all(faces.map(async (f) => ({ path: f.path, contents: await readFace(f) })))),
  ];
  const fontCss = fontFaceCss(faces);
  if (stack === 'html-css') {
    const css = `${fontCss}\n${RESET_CSS}\n${variableRules(page.variables)}${classRules(page.root)}`;
    const html = htmlDocument(page, `<style>\n${css}</style>`, elementHtml(page.root, (el) => el.name, 2));
    return { stack, entry: 'index.html', files: [{ path: 'index.html', contents: await format(html, 'html') }, ...binary] };
  }

  const fonts = fontThemeNames(page.textStyles.map(fontStack));
  const classes = new Map<Element, string>();
  walk(page.root, (el) => classes.set(el, elementClasses(el, fonts).join(' ')));
  const classOf = (el: Element) => classes.get(el) ?? '';
  const splitClassOf = (el: Element) => ({
    place: elementClasses({ decls: el.decls.filter(placesElement), narrow: splitNarrow(el.narrow, placesElement) }, fonts).join(' '),
    draw: elementClasses({ ...el, decls: el.decls.filter((d) => !placesElement(d)), narrow: splitNarrow(el.narrow, (d) => !placesElement(d)) }, fonts).join(' '),
  });
  const tw = await compileTailwind([...classes.values()].flatMap((c) => c.split(' ')).filter(Boolean), fonts, `${fontCss}\n@layer base {\n${LONG_WORDS_CSS}}\n`, page.variables);
  const styles: GeneratedFile[] = [
    { path: 'styles.css', contents: await format(tw.css, 'css') },
    { path: 'tailwind.css', contents: await format(tw.source, 'css') },
  ];

  if (stack === 'html-tailwind') {
    const html = htmlDocument(page, '    <link rel="stylesheet" href="styles.css" />', elementHtml(page.root, classOf, 2));
    return { stack, entry: 'index.html', files: [{ path: 'index.html', contents: await format(html, 'html') }, ...styles, ...binary] };
  }

  const files: GeneratedFile[] = [
    { path: 'App.tsx', contents: await format(appTsx(page, { classOf, splitClassOf }), 'typescript') },
    { path: 'main.tsx', contents: await format(MAIN_TSX, 'typescript') },
    { path: 'index.html', contents: await format(reactIndexHtml(page), 'html') },
    ...styles,
    { path: 'package.json', contents: await format(packageJson(name), 'json') },
    { path: 'vite.config.ts', contents: await format(VITE_CONFIG, 'typescript') },
    { path: 'vite-env.d.ts', contents: '/// <reference types="vite/client" />\n' },
    ...binary,
  ];
  return { stack, entry: 'App.tsx', files };
}

function appTsx(page: Page, classes: Pick<JsxContext, 'classOf' | 'splitClassOf'>): string {
  const taken = new Set<string>();
  const imports = new Map<string, string>();
  walk(page.root, (el) => {
    if (el.src !== undefined && !imports.has(el.src)) imports.set(el.src, importName(el.src, taken));
  });
  const ctx: JsxContext = { ...classes, importOf: (p) => imports.get(p)!, components: [] };
  const design = designComponents(page.root, ctx, new Set(['App', ...taken]));
  const body = elementJsx(page.root, ctx);
  const importLines = [...imports].map(([path, id]) => `import ${id} from './${path}';`).join('\n');
  const components = [...design.map((c) => designComponentSource(c, ctx)), ...ctx.components!.map((c) => componentSource(c, ctx))]
    .map((s) => `${s}\n\n`)
    .join('');
  return `${importLines}${importLines ? '\n\n' : ''}${components}export default function App() {\n  return (\n${body}\n  );\n}\n`;
}

/** A Vite app's main.tsx: App mounted under StrictMode, after the given stylesheets. */
export const mainTsx = (styles: readonly string[]) => `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App.tsx';
${styles.map((s) => `import '${s}';\n`).join('')}
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`;

const MAIN_TSX = mainTsx(['./styles.css']);

const VITE_CONFIG = `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({ plugins: [react()] });
`;

function reactIndexHtml(page: Page): string {
  return htmlDocument(page, '', '    <div id="root"></div>\n    <script type="module" src="/main.tsx"></script>');
}

const packageName = (design: Design) => (design.source?.name ?? design.root.name ?? 'design').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'design';

function packageJson(name: string): string {
  return JSON.stringify({
    name,
    private: true,
    version: '0.0.0',
    type: 'module',
    scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview', css: 'tailwindcss -i tailwind.css -o styles.css' },
    dependencies: { react: '^19.0.0', 'react-dom': '^19.0.0' },
    devDependencies: {
      '@tailwindcss/cli': '^4.0.0',
      '@types/react': '^19.0.0',
      '@types/react-dom': '^19.0.0',
      '@vitejs/plugin-react': '^5.0.0',
      tailwindcss: '^4.0.0',
      typescript: '^5.0.0',
      vite: '^7.0.0',
    },
  });
}

/**
 * One self-contained HTML document (inline CSS, JS bundle, assets and fonts as data: URIs)
 * that renders exactly what the code renders, openable from disk with no network. `picking`
 * makes the app's preview: elements marked with their source ranges, and the script that lets a
 * click pick them (preview-picking.ts); renders and scores use the plain one.
 */
export async function buildPreview(code: GeneratedCode, { picking = false } = {}): Promise<string> {
  const files = new Map(code.files.map((f) => [f.path, f.contents] as const));
  const read: FileReader = async (path) => {
    const c = files.get(path);
    return c === undefined ? undefined : typeof c === 'string' ? new TextEncoder().encode(c) : c;
  };
  const text = (path: string) => {
    const c = files.get(path);
    if (c === undefined) throw new LoupeError('INVALID_ARGUMENT', `The generated code has no ${path}.`);
    return typeof c === 'string' ? c : Buffer.from(c).toString('utf8');
  };
  if (code.stack !== 'react-tailwind') {
    const entry = picking ? markHtml(text(code.entry), code.entry) : text(code.entry);
    const html = await inlineHtml(entry, code.entry, read, () => Promise.reject(new Error('no scripts in HTML stacks')));
    return picking ? withPickingScript(html) : html;
  }
  // React: the page's stylesheet, and App mounted synchronously (main.tsx without StrictMode's
  // double render), so the DOM is complete when the page reports it has loaded.
  let html = files.has('index.html') ? text('index.html') : '<!doctype html><html><head></head><body><div id="root"></div><script type="module" src="/main.tsx"></script></body></html>';
  if (files.has('styles.css')) html = html.replace(/<\/head>/i, () => '<link rel="stylesheet" href="styles.css" />\n</head>');
  const entryModule = `./${code.entry}`;
  const mark = picking ? (path: string, source: string) => (/\.[jt]sx$/.test(path) ? markJsx(source, path) : source) : undefined;
  const page = await inlineHtml(html, 'index.html', read, () => bundleScript({ contents: mountEntry(entryModule), resolveDir: process.cwd() }, [memoryFiles(files, mark)]));
  return picking ? withPickingScript(page) : page;
}
