// Which ffmpeg decodes (and, for test walkthroughs, encodes) video. LOUPE_FFMPEG names one
// explicitly; otherwise the static build that @ffmpeg-installer ships for this platform as an
// npm package, so a fresh install needs nothing from the system; failing that, an ffmpeg on
// the PATH (a platform the package has no build for).
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { LoupeError } from '../errors.ts';

const require = createRequire(import.meta.url);

export interface FfmpegBinary {
  path: string;
  /** Where it was found, for messages. */
  source: 'LOUPE_FFMPEG' | '@ffmpeg-installer' | 'PATH';
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

let found: FfmpegBinary | undefined;

export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  if (env.LOUPE_FFMPEG) {
    if (!executable(env.LOUPE_FFMPEG)) throw new LoupeError('INVALID_ARGUMENT', `LOUPE_FFMPEG is ${env.LOUPE_FFMPEG}, which is not an executable file. Point it at an ffmpeg binary or unset it.`);
    return { path: env.LOUPE_FFMPEG, source: 'LOUPE_FFMPEG' };
  }
  if (found) return found;
  try {
    const { path } = require('@ffmpeg-installer/ffmpeg') as { path: string };
    if (executable(path)) return (found = { path, source: '@ffmpeg-installer' });
  } catch {
    // No build for this platform: look on the PATH.
  }
  const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, name))) return (found = { path: join(dir, name), source: 'PATH' });
  }
  throw new LoupeError(
    'INPUT_UNSUPPORTED',
    'Videos need ffmpeg, and none was found: the @ffmpeg-installer package has no build for this platform and there is no ffmpeg on the PATH. Install ffmpeg, or set LOUPE_FFMPEG to its path.',
  );
}
