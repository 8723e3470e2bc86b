// The screens found in a walkthrough video, before its app is generated: one card per screen
// (its stitched picture, when it was on screen, whether it was scrolled, its size), the clicks
// between them, and what the person decides: drop a screen, or say it is the same as another.
// Decisions can be undone one by one; Generate builds the app in the toolbar's stack.
import { useState } from 'react';
import { screenEditsRefusal, screenName, type DetectedScreenView, type VideoDetectionView } from '../../engine/api/contract.ts';
import { fateOf, screenEdits, type Fate, type ScreenDecision } from './screen-edits.ts';

interface Props {
  detection: VideoDetectionView;
  /** The stack the app will be written in (the toolbar's). */
  stack: string;
  onGenerate: (edits: ReturnType<typeof screenEdits>) => void;
  onClose: () => void;
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

export function VideoReview({ detection, stack, onGenerate, onClose }: Props) {
  const [decisions, setDecisions] = useState<ScreenDecision[]>([]);
  const ids = detection.screens.map((s) => s.id);
  const edits = screenEdits(decisions, ids);
  const refusal = screenEditsRefusal(ids, edits);
  const kept = ids.filter((id) => fateOf(decisions, id).kind === 'keep').length;
  const decide = (screen: number, fate: Fate) => setDecisions((d) => [...d, { screen, ...fate }]);
  const gone = (id: number) => fateOf(decisions, id).kind === 'drop';
  const { video } = detection;
  return (
    <section className="video-review" data-testid="video-review" aria-label={`Screens of ${detection.name}`}>
      <header>
        <strong>{detection.name}</strong>
        <span className="hint">
          {seconds(video.durationS)} · {video.width}×{video.height} · {video.frames} frames read at {Number(video.sampledFps.toFixed(2))} a second · {detection.screens.length}{' '}
          screens found
        </span>
        <button type="button" onClick={() => setDecisions((d) => d.slice(0, -1))} disabled={decisions.length === 0}>
          Undo
        </button>
        <button type="button" className="primary" onClick={() => onGenerate(edits)} disabled={refusal !== undefined}>
          Generate {kept} {kept === 1 ? 'screen' : 'screens'} ({stack})
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
        {refusal && (
          <span className="error" role="alert" data-testid="edits-refusal">
            {refusal}
          </span>
        )}
      </header>
      {detection.warnings.map((w, i) => (
        <p key={i} className="warning" role="status" data-testid="video-warning">
          {w}
        </p>
      ))}
      <ol className="screen-strip">
        {detection.screens.map((s, i) => (
          <ScreenCard
            key={s.id}
            screen={s}
            fate={fateOf(decisions, s.id)}
            others={detection.screens.filter((o) => o.id !== s.id)}
            next={detection.transitions.filter((t) => t.from === s.id && t.to === detection.screens[i + 1]?.id)}
            onDecide={(fate) => decide(s.id, fate)}
          />
        ))}
      </ol>
      <ol className="transitions" data-testid="transitions" aria-label="Clicks between screens">
        {detection.transitions.map((t, i) => (
          <li key={i} className={gone(t.from) || gone(t.to) ? 'gone' : ''}>
            {screenName(t.from)} → {screenName(t.to)} <span className="hint">at {seconds(t.timeS)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

interface CardProps {
  screen: DetectedScreenView;
  fate: Fate;
  others: DetectedScreenView[];
  /** Clicks from this screen to the next card's, drawn between the two. */
  next: VideoDetectionView['transitions'];
  onDecide: (fate: Fate) => void;
}

function ScreenCard({ screen: s, fate, others, next, onDecide }: CardProps) {
  return (
    <li className="screen-card-slot">
      <figure className={`screen-card ${fate.kind}`} data-testid="screen-card" data-screen={s.name} data-fate={fate.kind}>
        <img src={s.thumbnail} alt={`${s.name} as recorded`} />
        <figcaption>
          <strong>{s.name}</strong>
          {s.scrolled && (
            <span className="badge" data-testid="scrolled" title="Scrolled in the video: its picture is stitched from the scroll">
              scrolled
            </span>
          )}
          {fate.kind === 'drop' && <span className="badge">dropped</span>}
          {fate.kind === 'merge' && <span className="badge">same as {screenName(fate.into)}</span>}
          <span className="hint">
            {s.width}×{s.height}
          </span>
          <span className="hint" data-testid="screen-times">
            {s.visits.map((v) => `${seconds(v.fromS)}–${seconds(v.toS)}`).join(', ')}
          </span>
        </figcaption>
        <div className="card-actions">
          <button type="button" aria-pressed={fate.kind === 'drop'} onClick={() => onDecide(fate.kind === 'drop' ? { kind: 'keep' } : { kind: 'drop' })}>
            {fate.kind === 'drop' ? 'Keep' : 'Drop'}
          </button>
          <label>
            Same as{' '}
            <select
              data-testid="same-as"
              value={fate.kind === 'merge' ? String(fate.into) : ''}
              onChange={(e) => onDecide(e.target.value === '' ? { kind: 'keep' } : { kind: 'merge', into: Number(e.target.value) })}
            >
              <option value="">—</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </figure>
      {next.length > 0 && (
        <span className="screen-link" aria-hidden="true">
          → {next.map((t) => seconds(t.timeS)).join(', ')}
        </span>
      )}
    </li>
  );
}
