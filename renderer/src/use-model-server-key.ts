// The model server's key, from the person to the engine, which holds it in memory for the
// server's address. The desktop app also saves it, encrypted (KeyStore), and on start sends the
// saved key to the engine; a web page holds it in memory only, so a reload asks again (and tells
// the engine to forget what an earlier page gave it, so that what the page says is what is used).
// It never goes to the settings' storage.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ModelServerKeyRequest, type LoupeApi } from '../../engine/api/contract.ts';
import { bridge } from './ipc-api.ts';
import type { KeyPlace } from './model-server-lines.ts';

// A typed address is settled on once, in a pause, not at every keystroke.
const SETTLE_MS = 400;

export interface ServerKey {
  /** Undefined until the address is one and the engine has been told. */
  place?: KeyPlace;
  /** What went wrong telling the engine or saving the key. */
  problem?: string;
  set(key: string): Promise<void>;
  forget(): Promise<void>;
}

export const isServerAddress = (baseUrl: string) => ModelServerKeyRequest.shape.baseUrl.safeParse(baseUrl).success;

/** `baseUrl`: the server's address as the engine keys it; empty while no model server is chosen. */
export function useModelServerKey(api: LoupeApi, baseUrl: string): ServerKey {
  const store = bridge()?.modelServerKeys;
  // This page's keys by address, so that one given here outlives changes of the address field.
  const held = useRef(new Map<string, { key: string; place: 'memory' | 'saved' }>());
  const [said, setSaid] = useState<{ baseUrl: string; place?: KeyPlace; problem?: string }>();
  const valid = baseUrl !== '' && isServerAddress(baseUrl);

  useEffect(() => {
    if (!valid) return;
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const saved = held.current.has(baseUrl) ? undefined : await store?.load(baseUrl);
        // Read again: a key given while the saved one was loading wins.
        const key = held.current.get(baseUrl) ?? (saved === undefined ? undefined : { key: saved, place: 'saved' as const });
        if (key) held.current.set(baseUrl, key);
        await api.modelServerKey({ baseUrl, key: key?.key ?? null });
        if (current) setSaid({ baseUrl, place: key?.place ?? 'none' });
      } catch (e) {
        if (current) setSaid({ baseUrl, problem: (e as Error).message });
      }
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, baseUrl, valid, store]);

  const set = useCallback(
    async (key: string) => {
      try {
        const saved = store ? await store.save(baseUrl, key) : false;
        const place = saved ? 'saved' : 'memory';
        held.current.set(baseUrl, { key, place });
        await api.modelServerKey({ baseUrl, key });
        setSaid({ baseUrl, place });
      } catch (e) {
        setSaid({ baseUrl, problem: (e as Error).message });
      }
    },
    [api, baseUrl, store],
  );
  const forget = useCallback(async () => {
    held.current.delete(baseUrl);
    try {
      await store?.forget(baseUrl);
      await api.modelServerKey({ baseUrl, key: null });
      setSaid({ baseUrl, place: 'none' });
    } catch (e) {
      setSaid({ baseUrl, problem: (e as Error).message });
    }
  }, [api, baseUrl, store]);

  // What was said of another address says nothing of this one.
  const now = said?.baseUrl === baseUrl ? said : undefined;
  return { place: now?.place, problem: now?.problem, set, forget };
}
