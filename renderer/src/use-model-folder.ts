// The local model's folder as the engine finds it, asked when the person stops typing in the
// field or picks a folder, and once for the folder the settings kept: a test package, or a folder
// that is no package, is said before any conversion rather than when one starts.
import { useEffect, useState } from 'react';
import type { LoupeApi } from '../../engine/api/contract.ts';
import { folderLine, type FolderLine } from './model-folder.ts';
import type { Settings } from './settings.ts';

// Long enough that a typed path is asked about once, in a pause, not at every keystroke: each
// question opens the package in a worker, seconds for a large model's manifest.
const ASK_AFTER_MS = 400;

/** What to say beside the folder field; undefined while there is nothing to say yet. */
export function useModelFolder(api: LoupeApi, settings: Settings): FolderLine | undefined {
  const modelDir = settings.backend === 'local' ? settings.modelDir.trim() : '';
  const [said, setSaid] = useState<FolderLine & { modelDir: string }>();
  useEffect(() => {
    if (!modelDir) return;
    let asked = true;
    const timer = setTimeout(() => {
      api.modelFolder({ modelDir }).then(
        (found) => asked && setSaid({ modelDir, ...folderLine(modelDir, found) }),
        (e: Error) => asked && setSaid({ modelDir, text: e.message, tone: 'bad' }),
      );
    }, ASK_AFTER_MS);
    // A slower answer about a folder since changed must not be shown.
    return () => {
      asked = false;
      clearTimeout(timer);
    };
  }, [api, modelDir]);
  // What was said of another folder says nothing of the one in the field.
  return said?.modelDir === modelDir ? said : undefined;
}
