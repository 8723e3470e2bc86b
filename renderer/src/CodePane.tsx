import { useState } from 'react';
import { Editor } from '@monaco-editor/react';
import type { VersionView } from '../../engine/api/contract.ts';

export function CodePane({ result, onEdit }: { result: VersionView; onEdit: (path: string, contents: string) => void }) {
  const [active, setActive] = useState(result.entry);
  const file = result.files.find((f) => f.path === active) ?? result.files[0];
  const theme = document.documentElement.dataset.theme;
  const dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  return (
    <section className="code-pane">
      <nav className="tabs" aria-label="Files">
        {result.files.map((f) => (
          <button key={f.path} type="button" aria-pressed={f.path === file?.path} onClick={() => setActive(f.path)}>
            {f.path}
          </button>
        ))}
      </nav>
      {file && (
        <div className="editor" data-testid="editor">
          <Editor
            path={`${result.versionId}/${file.path}`}
            defaultValue={file.contents}
            theme={dark ? 'vs-dark' : 'light'}
            options={{ minimap: { enabled: false }, fontSize: 13, wordWrap: 'on', automaticLayout: true }}
            onChange={(value) => onEdit(file.path, value ?? '')}
          />
        </div>
      )}
    </section>
  );
}
