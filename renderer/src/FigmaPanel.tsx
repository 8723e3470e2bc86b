// The Figma plugin's pairing, as the app shows it: the code to type into the plugin, when it
// expires, and whether the bridge is listening. Frames the plugin sends arrive in the job list.
import { useCallback, useEffect, useState } from 'react';
import type { FigmaBridgeState, LoupeApi } from '../../engine/api/contract.ts';

// The code expires and the paired count changes from the plugin's side; a slow poll keeps both current.
const REFRESH_MS = 5000;

export function FigmaPanel({ api }: { api: LoupeApi }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<FigmaBridgeState>();
  const [error, setError] = useState<string>();
  const load = useCallback((get: () => Promise<FigmaBridgeState>) => get().then(setState, (e: Error) => setError(e.message)), []);
  useEffect(() => {
    if (!open) return;
    void load(api.figmaBridge);
    const timer = setInterval(() => void load(api.figmaBridge), REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, api, load]);

  return (
    <details className="figma-panel" data-testid="figma-panel" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Figma</summary>
      {error && <p role="alert">{error}</p>}
      {state && (
        <div>
          {state.problem ? <p role="alert">{state.problem}</p> : <p>Bridge on {state.url}</p>}
          <p>
            Pairing code <strong data-testid="figma-code">{state.code}</strong> (until {new Date(state.expiresAt).toLocaleTimeString()})
          </p>
          <p>{state.paired === 0 ? 'No plugin paired yet.' : `${state.paired} plugin${state.paired > 1 ? 's' : ''} paired.`}</p>
          <button onClick={() => void load(api.figmaNewCode)}>New code</button>
        </div>
      )}
    </details>
  );
}
