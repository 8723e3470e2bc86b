// The model server's settings, under the toolbar while it is the backend: its address, the model
// (a Check lists the models it serves, or says why it cannot be used), its key, and how it is
// asked. All but the key are kept with the settings; the key goes to the engine (and, in the
// desktop app, to the system's encrypted store), never to the settings.
import { useState } from 'react';
import { STRATEGIES, type LoupeApi } from '../../engine/api/contract.ts';
import { Choice } from './Choice.tsx';
import { bridge } from './ipc-api.ts';
import { keyLine, serverLine } from './model-server-lines.ts';
import { THINKING_CHOICES, serverAddress, type Settings } from './settings.ts';
import { isServerAddress, type ServerKey } from './use-model-server-key.ts';
import { useServerCheck } from './use-server-check.ts';

const STRATEGY_TITLE =
  'direct: the whole design in one answer; swarm: one request per region, in parallel, assembled into one page; refine: perception’s code of each region improved by the model, kept only where it scores no worse';
const THINKING_LABELS: Record<(typeof THINKING_CHOICES)[number], string> = { default: 'server default', on: 'on', off: 'off' };

interface Props {
  api: LoupeApi;
  settings: Settings;
  onChange: (s: Settings) => void;
  /** Held by the app, not here: a key given in a web page outlives a switch to another backend. */
  serverKey: ServerKey;
}

export function ModelServerSettings({ api, settings, onChange, serverKey }: Props) {
  const address = serverAddress(settings.serverUrl);
  const check = useServerCheck(api, address);
  const valid = isServerAddress(address);
  const found = check.state && serverLine(check.state, settings.serverModel);
  const models = check.state?.kind === 'reachable' ? check.state.models : [];
  return (
    <section className="model-server" aria-label="Model server" data-testid="model-server">
      <label title="The server's OpenAI-compatible API (vLLM, SGLang, llama.cpp, Ollama, LM Studio, a hosted API, loupe serve --openai)">
        Server{' '}
        <input
          className="server-url"
          data-testid="server-url"
          placeholder="http://host:8000/v1"
          spellCheck={false}
          value={settings.serverUrl}
          aria-invalid={address !== '' && !valid}
          onChange={(e) => onChange({ ...settings, serverUrl: e.target.value })}
        />
      </label>
      <label>
        Model{' '}
        <input className="server-model" data-testid="server-model" placeholder="model name" spellCheck={false} value={settings.serverModel} onChange={(e) => onChange({ ...settings, serverModel: e.target.value })} />
      </label>
      {models.length > 0 && (
        <select data-testid="server-models" aria-label="Models the server serves" value="" onChange={(e) => onChange({ ...settings, serverModel: e.target.value })}>
          <option value="" disabled>
            served: choose…
          </option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      )}
      <button type="button" data-testid="server-check" disabled={!valid || check.checking} onClick={check.check} title="Ask the server which models it serves, with the key given">
        {check.checking ? 'Checking…' : 'Check'}
      </button>
      <span className={found ? `server-status ${found.tone}` : 'server-status'} role="status" data-testid="server-status">
        {address !== '' && !valid ? 'Give the server as http://host:port/v1.' : found?.text}
      </span>
      <KeyField serverKey={serverKey} disabled={!valid} />
      <Choice label="Strategy" testId="strategy" options={STRATEGIES} title={STRATEGY_TITLE} value={settings.strategy} onChange={(strategy) => onChange({ ...settings, strategy })} />
      <Choice
        label="Thinking"
        testId="thinking"
        options={THINKING_CHOICES}
        labelOf={(t) => THINKING_LABELS[t]}
        title="Whether a model that can think before it answers does (Kimi K2.5's thinking or instant mode)"
        value={settings.thinking}
        onChange={(thinking) => onChange({ ...settings, thinking })}
      />
      <label title="Requests in flight at once (swarm, refine)">
        Concurrency{' '}
        <input
          className="concurrency"
          data-testid="concurrency"
          type="number"
          min={1}
          max={64}
          value={settings.concurrency}
          onChange={(e) => {
            const n = Math.round(Number(e.target.value));
            if (n >= 1 && n <= 64) onChange({ ...settings, concurrency: n });
          }}
        />
      </label>
    </section>
  );
}

/** The key is typed, handed over, and cleared from the field: what it is never shows again. */
function KeyField({ serverKey, disabled }: { serverKey: ServerKey; disabled: boolean }) {
  const [typed, setTyped] = useState('');
  const give = () => {
    if (!typed) return;
    void serverKey.set(typed);
    setTyped('');
  };
  return (
    <>
      <label>
        Key{' '}
        <input
          className="server-key"
          data-testid="server-key"
          type="password"
          autoComplete="off"
          placeholder={serverKey.place === 'none' || serverKey.place === undefined ? 'API key, if it needs one' : '••••••••'}
          disabled={disabled}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && give()}
        />
      </label>
      <button type="button" data-testid="server-key-set" disabled={disabled || !typed} onClick={give}>
        Use key
      </button>
      {serverKey.place !== undefined && serverKey.place !== 'none' && (
        <button type="button" data-testid="server-key-forget" onClick={() => void serverKey.forget()}>
          Forget key
        </button>
      )}
      <span className={serverKey.problem ? 'server-key-place bad' : 'server-key-place'} role="status" data-testid="server-key-place">
        {serverKey.problem ?? (serverKey.place && keyLine(serverKey.place, bridge() !== undefined))}
      </span>
    </>
  );
}
