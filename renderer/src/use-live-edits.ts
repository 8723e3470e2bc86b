// Edits in the editor re-render the preview shortly after typing stops; scoring an edit (a real
// render and compare in the engine) is slower, so it runs when asked.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditResult, LoupeApi, VersionView } from '../../engine/api/contract.ts';

// Short, so the preview feels live: a burst of keystrokes still makes one preview, and a preview
// made in a pause of typing costs the engine ~10 ms (a stale answer is dropped).
const DEBOUNCE_MS = 60;

export interface LiveEdits {
  previewUrl?: string;
  scored?: EditResult['scored'];
  /** From the edit being sent to the new preview having loaded in its frame, ms. */
  lastMs?: number;
  error?: string;
  busy: boolean;
  /** The files edited since the version was shown. */
  edited(): { path: string; contents: string }[];
  edit(path: string, contents: string): void;
  score(): void;
  /** The preview frame calls this when a page has loaded. */
  frameLoaded(url: string): void;
}

export function useLiveEdits(api: LoupeApi, result: VersionView | undefined): LiveEdits {
  const [previewUrl, setPreviewUrl] = useState<string>();
  const [scored, setScored] = useState<EditResult['scored']>();
  const [lastMs, setLastMs] = useState<number>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const edits = useRef(new Map<string, string>());
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const generation = useRef(0);
  const sentAt = useRef(new Map<string, number>());

  useEffect(() => {
    edits.current = new Map();
    setPreviewUrl(undefined);
    setScored(undefined);
    setError(undefined);
  }, [result?.versionId]);

  const edited = useCallback(() => [...edits.current].map(([path, contents]) => ({ path, contents })), []);

  const send = useCallback(
    async (score: boolean) => {
      if (!result || edits.current.size === 0) return;
      const mine = ++generation.current;
      const started = performance.now();
      setBusy(true);
      try {
        const files = edited();
        const answer = await api.edit({ versionId: result.versionId, files, score });
        // A slower answer to an older edit must not replace a newer one.
        if (mine !== generation.current) return;
        sentAt.current.set(answer.preview, started);
        setPreviewUrl(answer.preview);
        if (answer.scored) setScored(answer.scored);
        setError(undefined);
      } catch (e) {
        if (mine === generation.current) setError((e as Error).message);
      } finally {
        if (mine === generation.current) setBusy(false);
      }
    },
    [api, result, edited],
  );

  const edit = useCallback(
    (path: string, contents: string) => {
      edits.current.set(path, contents);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void send(false), DEBOUNCE_MS);
    },
    [send],
  );

  const frameLoaded = useCallback((url: string) => {
    const started = sentAt.current.get(new URL(url, location.href).pathname);
    if (started !== undefined) setLastMs(Math.round(performance.now() - started));
    sentAt.current.clear();
  }, []);

  return { previewUrl, scored, lastMs, error, busy, edited, edit, score: () => void send(true), frameLoaded };
}
