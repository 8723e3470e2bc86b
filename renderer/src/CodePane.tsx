// The version's files in Monaco. A range picked in the preview is selected here (switching to its
// file), and the cursor is reported so the preview can outline the element it is in.
import { useEffect, useRef, useState } from 'react';
import { Editor, type OnMount } from '@monaco-editor/react';
import type { PreviewPick, VersionView } from '../../engine/api/contract.ts';

type CodeEditor = Parameters<OnMount>[0];

const OPTIONS = { minimap: { enabled: false }, fontSize: 13, wordWrap: 'on', automaticLayout: true } as const;

interface Props {
  result: VersionView;
  onEdit: (path: string, contents: string) => void;
  /** Code to select; a new object selects again. */
  reveal?: PreviewPick;
  onCursor: (path: string, offset: number) => void;
}

export function CodePane({ result, onEdit, reveal, onCursor }: Props) {
  const [active, setActive] = useState(result.entry);
  const [editor, setEditor] = useState<CodeEditor>();
  // Written directly, not through React: it changes on every keystroke, and typing must stay fast.
  const position = useRef<HTMLOutputElement>(null);
  const file = result.files.find((f) => f.path === active) ?? result.files[0];
  const shownPath = useRef(file?.path);
  shownPath.current = file?.path;
  const theme = document.documentElement.dataset.theme;
  const dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);

  useEffect(() => {
    if (reveal && result.files.some((f) => f.path === reveal.path)) setActive(reveal.path);
  }, [reveal, result.files]);
  // After the editor has switched to the picked file (its own effect runs first).
  useEffect(() => {
    const model = editor?.getModel();
    if (!editor || !model || !reveal || reveal.path !== file?.path) return;
    const start = model.getPositionAt(reveal.start);
    const end = model.getPositionAt(reveal.end);
    const range = { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column };
    editor.setSelection(range);
    editor.revealRangeInCenterIfOutsideViewport(range);
    editor.focus();
  }, [editor, reveal, file?.path]);
  useEffect(() => {
    const listener = editor?.onDidChangeCursorSelection(({ selection }) => {
      const model = editor.getModel();
      if (!model || !shownPath.current) return;
      const start = selection.getStartPosition();
      const selected = model.getValueLengthInRange(selection);
      if (position.current) position.current.textContent = `Ln ${start.lineNumber}, Col ${start.column}${selected ? ` · ${selected} selected` : ''}`;
      onCursor(shownPath.current, model.getOffsetAt(start));
    });
    return () => listener?.dispose();
  }, [editor, onCursor]);

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
            options={OPTIONS}
            onChange={(value) => onEdit(file.path, value ?? '')}
            onMount={(e) => setEditor(e)}
          />
        </div>
      )}
      <output className="code-position hint" data-testid="code-position" ref={position} />
    </section>
  );
}
