// Every design converted before, newest first, with its versions, their scores and what made
// them: open one, compare two, delete what is not wanted.
import { useState } from 'react';
import type { DesignSummary } from '../../engine/api/contract.ts';
import { Origin } from './Origin.tsx';

interface Props {
  history: DesignSummary[];
  currentVersionId?: string;
  onOpen: (versionId: string) => void;
  onDelete: (target: { designId: string } | { versionId: string }) => void;
}

const METRICS = ['block', 'text', 'position', 'color', 'ssim'] as const;

export function HistoryPanel({ history, currentVersionId, onOpen, onDelete }: Props) {
  const [compare, setCompare] = useState<string[]>([]);
  const versions = history.flatMap((d) => d.versions.map((v) => ({ ...v, name: d.name })));
  const compared = compare.map((id) => versions.find((v) => v.versionId === id)).filter((v) => v !== undefined);
  const toggle = (id: string) => setCompare((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id].slice(-2)));
  return (
    <aside className="history" data-testid="history" aria-label="History">
      <h2>History</h2>
      {history.length === 0 && <p className="hint">Designs you convert are kept here.</p>}
      {history.map((d) => (
        <section key={d.designId} className="history-design" data-design={d.name}>
          <header>
            <strong>{d.name}</strong>{' '}
            <span className="hint" title={d.narrowWidth ? 'One page at two widths: its desktop and its phone design' : undefined}>
              {d.width}×{d.height}
              {d.narrowWidth && ` and ${d.narrowWidth} px`}
            </span>
            <button type="button" className="link" aria-label={`Delete ${d.name}`} onClick={() => confirm(`Delete ${d.name} and all its versions?`) && onDelete({ designId: d.designId })}>
              delete
            </button>
          </header>
          <ol>
            {d.versions.map((v) => (
              <li key={v.versionId} className={v.versionId === currentVersionId ? 'current' : ''} data-version={v.number}>
                <button type="button" className="link" onClick={() => onOpen(v.versionId)}>
                  v{v.number} {v.kind} · {v.stack}
                </button>
                <span className="hint">
                  ssim {v.scores.ssim?.toFixed(3)} · {new Date(v.createdAt).toLocaleString()}
                </span>
                <Origin origin={v.origin} />
                <label className="hint">
                  <input type="checkbox" checked={compare.includes(v.versionId)} onChange={() => toggle(v.versionId)} /> compare
                </label>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {compared.length === 2 && (
        <table className="compare" data-testid="compare">
          <thead>
            <tr>
              <th />
              {compared.map((v) => (
                <th key={v.versionId}>
                  {v.name} v{v.number}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {METRICS.map((m) => (
              <tr key={m}>
                <th>{m}</th>
                {compared.map((v) => (
                  <td key={v.versionId}>{v.scores[m]?.toFixed(3)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
