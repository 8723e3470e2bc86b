// Reading design files the user drops, pastes or picks, before they go to the engine.
import { MAX_UPLOAD_BYTES, VIDEO_EXTENSIONS, isVideoName } from '../../engine/api/contract.ts';

const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/x-m4v', 'video/x-matroska'];

// A Figma JSON file (a REST export, as `loupe convert frame.json` takes) is converted from its exact values;
// '.json' and the video extensions as well for the picker, where some systems give these files no MIME type.
export const ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/json', '.json', ...VIDEO_TYPES, ...VIDEO_EXTENSIONS.map((e) => `.${e}`)];

/** A screen recording (by its name, as the engine tells them): read for its screens before anything is generated. */
export const isVideoFile = (file: File) => isVideoName(file.name);

const isFigmaFile = (file: File) => file.name.toLowerCase().endsWith('.json') || file.type === 'application/json';

/** Two design images, or two Figma frames (JSON), given at once: they may be one page at two widths, which the person is asked. */
export function designPair(files: File[]): [File, File] | undefined {
  if (files.length !== 2 || files.some(isVideoFile)) return undefined;
  const [a, b] = files as [File, File];
  return isFigmaFile(a) === isFigmaFile(b) ? [a, b] : undefined;
}

/** Both designs of one page at two widths as base64 (they travel in one request, so within one upload's limit), or why they cannot be converted. */
export async function readDesignPair([first, second]: [File, File]): Promise<{ data: [string, string] } | { error: string }> {
  if (first.size + second.size > MAX_UPLOAD_BYTES) return { error: `${first.name} and ${second.name} are over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB together; one page at two widths takes two designs of at most that in all.` };
  const [a, b] = await Promise.all([readDesignFile(first), readDesignFile(second)]);
  if ('error' in a) return a;
  if ('error' in b) return b;
  return { data: [a.data, b.data] };
}

/** The file's bytes as base64, or a message saying why it cannot be converted. */
export async function readDesignFile(file: File): Promise<{ data: string } | { error: string }> {
  if (file.size === 0) return { error: `${file.name} is empty.` };
  if (file.size > MAX_UPLOAD_BYTES) return { error: `${file.name} is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` };
  if (file.type && !ACCEPTED_TYPES.includes(file.type)) {
    return { error: `${file.name} is ${file.type}; Loupe converts PNG, JPEG and WebP screenshots, Figma JSON files and walkthrough videos (${VIDEO_EXTENSIONS.join(', ')}).` };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode(...all) overflows the call stack on big files.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { data: btoa(binary) };
}
