// A model server checked when the person asks (the Check button): whether it answers with the key
// the engine holds, and the models it serves. An answer about another address is not shown.
import { useCallback, useState } from 'react';
import type { LoupeApi, ModelServerState } from '../../engine/api/contract.ts';

export interface ServerCheck {
  checking: boolean;
  /** What the engine found; a failed call is said as a refusal. */
  state?: ModelServerState;
  check(): void;
}

export function useServerCheck(api: LoupeApi, baseUrl: string): ServerCheck {
  const [found, setFound] = useState<{ baseUrl: string; state?: ModelServerState }>();
  const check = useCallback(() => {
    setFound({ baseUrl });
    api.modelServer({ baseUrl }).then(
      (state) => setFound((f) => (f?.baseUrl === baseUrl ? { baseUrl, state } : f)),
      (e: Error & { code?: string }) => setFound((f) => (f?.baseUrl === baseUrl ? { baseUrl, state: { kind: 'refused', code: e.code ?? 'INTERNAL', message: e.message } } : f)),
    );
  }, [api, baseUrl]);
  const now = found?.baseUrl === baseUrl ? found : undefined;
  return { checking: now !== undefined && now.state === undefined, state: now?.state, check };
}
