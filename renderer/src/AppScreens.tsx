// The screens of a walkthrough video's app, above the version on screen: switch to another
// screen's preview and code, see the clicks that link them, and export the whole app.
import type { VideoAppView } from '../../engine/api/contract.ts';

interface Props {
  app: VideoAppView;
  /** The design on screen: one of the app's screens. */
  designId: string;
  onOpen: (versionId: string) => void;
  onExport: () => void;
}

export function AppScreens({ app, designId, onOpen, onExport }: Props) {
  return (
    <nav className="app-screens" data-testid="app-screens" aria-label={`Screens of ${app.name}`}>
      <strong>{app.name}</strong>
      {app.screens.map((s) => (
        <button key={s.designId} type="button" aria-pressed={s.designId === designId} data-screen={s.name} onClick={() => onOpen(s.versionId)}>
          {s.name}
          {s.scrolled && <span className="badge">scrolled</span>} <span className="hint">ssim {s.ssim.toFixed(3)}</span>
        </button>
      ))}
      <span className="hint" data-testid="app-links">
        {app.transitions.map((t) => `${t.from} → ${t.to}${t.element ? ` (“${t.element}”)` : ''}`).join(' · ')}
      </span>
      <button type="button" onClick={onExport}>
        Export app…
      </button>
    </nav>
  );
}
