// Export: the code of a version into a folder the user chose, as plain files or as a project
// that runs with `npm install && npm run dev`. Never writes outside the folder, and never over
// existing files unless the user said so.
import { readdir } from 'node:fs/promises';
import type { EXPORT_FORMATS } from '../api/contract.ts';
import { LoupeError } from '../errors.ts';
import type { GeneratedFile } from '../codegen/index.ts';
import { MEDIA_TYPES } from '../codegen/media-types.ts';
import { writeFilesInside } from './output.ts';

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  stack: string;
  entry: string;
  files: GeneratedFile[];
  dir: string;
  format: ExportFormat;
  /** Write into a folder that already holds files (theirs may be replaced). */
  overwrite: boolean;
}

export async function exportCode(request: ExportRequest): Promise<string[]> {
  const existing = await readdir(request.dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    if (e.code === 'ENOTDIR') throw new LoupeError('OUTPUT_UNSAFE', `${request.dir} is a file, not a folder; choose a folder to export into.`);
    throw e;
  });
  if (existing.length > 0 && !request.overwrite) {
    throw new LoupeError('OUTPUT_EXISTS', `${request.dir} already holds ${existing.length} file(s); confirm to write into it, or choose an empty folder.`);
  }
  const files = request.format === 'project' ? [...request.files, ...projectFiles(request)] : request.files;
  return writeFilesInside(request.dir, files);
}

/** What turns the code into a runnable project; a React export already is a Vite project. */
function projectFiles(request: ExportRequest): GeneratedFile[] {
  const has = (path: string) => request.files.some((f) => f.path === path);
  if (request.stack === 'react-tailwind') {
    return has('README.md') ? [] : [{ path: 'README.md', contents: README_REACT }];
  }
  const extra: GeneratedFile[] = [{ path: 'serve.mjs', contents: SERVE_MJS }, { path: 'README.md', contents: README_HTML }];
  if (!has('package.json')) {
    extra.push({ path: 'package.json', contents: JSON.stringify({ name: 'loupe-export', private: true, type: 'module', scripts: { dev: 'node serve.mjs' } }, null, 2) + '\n' });
  }
  return extra;
}

const README_HTML = `# Exported from Loupe

Open \`index.html\` in a browser, or serve the folder (no dependencies, works offline):

    npm install && npm run dev
`;

const README_REACT = `# Exported from Loupe

A Vite + React + Tailwind project. It needs its dependencies from the npm registry once:

    npm install && npm run dev

\`npm run css\` recompiles \`styles.css\` from \`tailwind.css\` after you change classes.
`;

// A static file server with no dependencies, so an exported HTML page runs offline.
const SERVE_MJS = `import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = ${JSON.stringify(MEDIA_TYPES)};
const root = new URL('.', import.meta.url).pathname;
const port = Number(process.env.PORT ?? 5173);
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^([/\\\\]|\\.\\.)+/, '');
  try {
    const body = await readFile(join(root, path || 'index.html'));
    res.writeHead(200, { 'content-type': types[extname(path || '.html')] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
server.listen(port, '127.0.0.1', () => console.log(\`http://127.0.0.1:\${server.address().port}/\`));
`;
