// What the toolbar says beside the local model's folder, from what the engine found there: a test
// package is said to be one (its random weights will not write code), a package what it is, and
// a folder a conversion would refuse why.
import { testPackageNotice, type ModelFolder } from '../../engine/api/contract.ts';

export interface FolderLine {
  text: string;
  /** How it is shown: a package to use, a test package to know about, a folder that will not do. */
  tone: 'ok' | 'warn' | 'bad';
}

export function folderLine(modelDir: string, found: ModelFolder): FolderLine {
  if (found.kind === 'refused') return { text: found.message, tone: 'bad' };
  if (found.testPackage) return { text: testPackageNotice(modelDir), tone: 'warn' };
  const from = found.source ? ` converted from ${found.source}` : '';
  return { text: `Model package${from}, ${found.bits ? `int${found.bits}` : 'not quantised'}.`, tone: 'ok' };
}
