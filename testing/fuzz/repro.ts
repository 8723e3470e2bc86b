// A failing case kept for whoever fixes it: a folder with the input (when there is one file),
// a README saying what failed and how, and a repro.sh holding the command that runs it again.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Repro {
  /** One line: what the case is and why it failed. */
  title: string;
  /** The command that runs the case again, from the repository root. */
  command: string;
  /** The same input through the CLI, as shell comment lines, when it has one. */
  cli?: string;
  /** The input file to keep beside the command (copied if it can be), and the name it is kept under. */
  input?: { path: string; name: string };
  /** The error, the end of stderr, what was measured. */
  detail: string;
}

export async function writeRepro(folder: string, repro: Repro): Promise<void> {
  await mkdir(folder, { recursive: true });
  if (repro.input) await copyFile(repro.input.path, join(folder, repro.input.name)).catch(() => {});
  const cli = repro.cli ? `# the same input through the CLI:\n${repro.cli.replace(/^/gm, '# ')}\n` : '';
  await writeFile(join(folder, 'repro.sh'), `#!/bin/sh\n# ${repro.title}. Run from the repository root.\n${cli}${repro.command}\n`, { mode: 0o755 });
  const input = repro.input ? `Input: \`${repro.input.name}\`. ` : '';
  await writeFile(join(folder, 'README.md'), `# ${repro.title}\n\n${input}Reproduce: \`${repro.command}\`\n\n\`\`\`\n${repro.detail}\n\`\`\`\n`);
}
