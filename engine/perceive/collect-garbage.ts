// A full garbage collection on request. After perceiving a design of tens of megapixels, the
// region search's scratch arrays (hundreds of MB) are dead but V8 has no reason to collect them
// soon, since the render that follows allocates little in Node: they would stay resident through
// the render, while Chromium draws the page. Node exposes `gc` only under --expose-gc, which a
// CLI run through its shebang cannot pass; the flag set at run time gives it to a new context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
