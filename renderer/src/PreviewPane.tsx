// The render beside the design, over it (opacity), swiped across it, or the diff heat map.
// Generated code runs in a sandboxed frame (its own origin, no network: the engine serves it
// with a sandbox CSP too), scaled to fit the pane. Beside the design it is laid out at the
// chosen viewport's width; over the design, at the design's width, since it is compared with it.
// One page at two widths is compared with the design chosen beside the views (WidthSwitch.tsx).
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { VersionView } from '../../engine/api/contract.ts';
import type { Settings } from './settings.ts';
import { frameLayout, viewportWidth } from './viewports.ts';

interface Props {
  result: VersionView;
  /** The design the code is compared with: the version's, or one of one page at two widths. */
  design: VersionView['design'];
  previewUrl: string;
  diffUrl: string;
  view: Settings['view'];
  viewport: Settings['viewport'];
  frameRef: RefObject<HTMLIFrameElement | null>;
  onFrameLoad: (url: string) => void;
}

export function PreviewPane({ result, design: shown, previewUrl, diffUrl, view, viewport, frameRef, onFrameLoad }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [paneWidth, setPaneWidth] = useState(600);
  const [opacity, setOpacity] = useState(0.5);
  const [swipe, setSwipe] = useState(0.5);
  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => setPaneWidth(entry!.contentRect.width));
    if (box.current) observer.observe(box.current);
    return () => observer.disconnect();
  }, []);
  const { width, height } = shown;
  const columns = view === 'side' ? 2 : 1;
  const columnWidth = (paneWidth - 8 * (columns - 1)) / columns;
  const scale = Math.min(1, columnWidth / width);
  const sized = { width: width * scale, height: height * scale };
  const layout = frameLayout(view === 'side' ? viewportWidth(viewport, width) : width, columnWidth, sized.height);
  const frame = (
    <iframe
      ref={frameRef}
      title="Preview of the generated code"
      data-testid="preview-frame"
      src={previewUrl}
      sandbox="allow-scripts"
      width={layout.width}
      height={layout.height}
      style={{ transform: `scale(${layout.scale})`, transformOrigin: '0 0' }}
      onLoad={() => onFrameLoad(previewUrl)}
    />
  );
  const frameSized = { width: layout.width * layout.scale, height: sized.height };
  const design = <img src={shown.url} alt={`The design ${result.name} at ${width} px`} width={sized.width} height={sized.height} data-testid="design-image" />;
  return (
    <div className="preview" ref={box} data-view={view}>
      {view === 'side' && (
        <div className="side-by-side">
          <figure style={sized}>{design}<figcaption>design</figcaption></figure>
          <figure style={frameSized} className="frame-box">{frame}<figcaption>code</figcaption></figure>
        </div>
      )}
      {(view === 'overlay' || view === 'swipe') && (
        <>
          <label className="slider">
            {view === 'overlay' ? 'Code opacity' : 'Swipe'}{' '}
            <input
              type="range"
              min={0}
              max={1}
              step={0.01}
              value={view === 'overlay' ? opacity : swipe}
              onChange={(e) => (view === 'overlay' ? setOpacity : setSwipe)(Number(e.target.value))}
            />
          </label>
          <div className="stack" style={sized}>
            {design}
            <div
              className="frame-box over"
              style={{ ...sized, opacity: view === 'overlay' ? opacity : 1, clipPath: view === 'swipe' ? `inset(0 ${(1 - swipe) * 100}% 0 0)` : undefined }}
            >
              {frame}
            </div>
          </div>
        </>
      )}
      {view === 'diff' && <img src={diffUrl} alt="Where the render differs from the design" style={sized} data-testid="diff-image" />}
    </div>
  );
}
