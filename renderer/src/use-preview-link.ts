// The app's side of the preview's picking script (engine/codegen/page/picking.ts): a click in
// the preview arrives as the element's source range, and the editor's cursor is sent there so the
// preview outlines its element.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { PreviewCursor, PreviewPick } from '../../engine/api/contract.ts';
import { readPick } from './preview-picks.ts';

export interface PreviewLink {
  /** Attach to the preview's iframe. */
  frame: RefObject<HTMLIFrameElement | null>;
  /** The editor's cursor moved: `offset` into the file `path`. */
  cursor(path: string, offset: number): void;
  /** A new page loaded in the frame: it gets the cursor again. */
  frameLoaded(): void;
}

export function usePreviewLink(onPick: (pick: PreviewPick) => void): PreviewLink {
  const frame = useRef<HTMLIFrameElement>(null);
  const last = useRef<PreviewCursor>(undefined);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;

  useEffect(() => {
    const listener = (e: MessageEvent) => {
      const pick = readPick(e, frame.current?.contentWindow);
      if (pick) pickRef.current(pick);
    };
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
  }, []);

  // The frame's origin is opaque, so no target origin can name it; a cursor position is no secret.
  const send = useCallback(() => {
    if (last.current) frame.current?.contentWindow?.postMessage(last.current, '*');
  }, []);
  const cursor = useCallback(
    (path: string, offset: number) => {
      last.current = { loupe: 'cursor', path, offset };
      send();
    },
    [send],
  );
  return { frame, cursor, frameLoaded: send };
}
