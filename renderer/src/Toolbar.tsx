import { useRef } from 'react';
import { MODES, STACK_NAMES } from '../../engine/api/contract.ts';
import { ACCEPTED_TYPES } from './files.ts';

export const VIEWS = ['side', 'overlay', 'swipe', 'diff'] as const;

export interface Settings {
  stack: (typeof STACK_NAMES)[number];
  mode: (typeof MODES)[number];
  view: (typeof VIEWS)[number];
}

export function Toolbar({ settings, onChange, onFiles }: { settings: Settings; onChange: (s: Settings) => void; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <header className="toolbar">
      <strong className="brand">Loupe</strong>
      <button type="button" onClick={() => input.current?.click()}>
        Open…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        accept={ACCEPTED_TYPES.join(',')}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <label>
        Stack{' '}
        <select data-testid="stack" value={settings.stack} onChange={(e) => onChange({ ...settings, stack: e.target.value as Settings['stack'] })}>
          {STACK_NAMES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Mode{' '}
        <select data-testid="mode" value={settings.mode} onChange={(e) => onChange({ ...settings, mode: e.target.value as Settings['mode'] })}>
          {MODES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <div className="views" role="group" aria-label="Preview view">
        {VIEWS.map((v) => (
          <button key={v} type="button" aria-pressed={settings.view === v} data-testid={`view-${v}`} onClick={() => onChange({ ...settings, view: v })}>
            {v}
          </button>
        ))}
      </div>
    </header>
  );
}
