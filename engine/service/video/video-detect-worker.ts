// Finds walkthroughs' screens off the server's thread (see videos.ts): the detector's frame loop
// is plain JavaScript over every pixel, and on a full-HD recording it holds its thread for a
// third of a second at a time. One video at a time; { cancel } stops the pass (and ffmpeg).
import { parentPort } from 'node:worker_threads';
import { detectScreens } from '../../pipeline/convert-video.ts';
import { toThreadError } from '../../threads/thread-errors.ts';
import type { DetectMessage, DetectRequest } from './videos.ts';

const port = parentPort!;
let current: { id: number; abort: AbortController } | undefined;
const post = (message: DetectMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (request: DetectRequest) => {
  if ('cancel' in request) {
    if (current?.id === request.cancel) current.abort.abort();
    return;
  }
  void detect(request.id, request.path);
});

async function detect(id: number, path: string): Promise<void> {
  current = { id, abort: new AbortController() };
  try {
    const detection = await detectScreens(path, {
      signal: current.abort.signal,
      onProgress: ({ fraction }) => post({ id, fraction }),
    });
    // Each picture in a buffer of its own (it may be a view of a larger one), handed over rather than copied.
    const screens = detection.screens.map((s) => ({ ...s, picture: { ...s.picture, rgba: Buffer.from(new Uint8Array(s.picture.rgba).buffer) } }));
    post({ id, detection: { ...detection, screens } }, screens.map((s) => s.picture.rgba.buffer as ArrayBuffer));
  } catch (error) {
    post({ id, error: toThreadError(error) });
  } finally {
    current = undefined;
  }
}
