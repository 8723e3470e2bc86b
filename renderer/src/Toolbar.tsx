import { useRef } from 'react';
import { MODES, STACK_NAMES } from '../../engine/api/contract.ts';
import { ACCEPTED_TYPES } from './files.ts';
import { THEMES, VIEWS, type Settings } from './settings.ts';

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
      <Choice label="Stack" testId="stack" options={STACK_NAMES} value={settings.stack} onChange={(stack) => onChange({ ...settings, stack })} />
      <Choice label="Mode" testId="mode" options={MODES} value={settings.mode} onChange={(mode) => onChange({ ...settings, mode })} />
      <Choice label="Theme" testId="theme" options={THEMES} value={settings.theme} onChange={(theme) => onChange({ ...settings, theme })} />
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

function Choice<T extends string>({ label, testId, options, value, onChange }: { label: string; testId: string; options: readonly T[]; value: T; onChange: (value: T) => void }) {
  return (
    <label>
      {label}{' '}
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}
