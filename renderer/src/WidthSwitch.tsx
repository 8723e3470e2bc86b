// One page at two widths: which of its designs the preview, the diff and the scores compare the
// code with, each at its own width.
import type { DesignWidth, WidthKey } from './design-widths.ts';

interface Props {
  widths: DesignWidth[];
  shown: WidthKey;
  onChange: (key: WidthKey) => void;
}

export function WidthSwitch({ widths, shown, onChange }: Props) {
  if (widths.length < 2) return null;
  return (
    <div className="width-switch" role="group" aria-label="Design compared with" data-testid="width-switch">
      {widths.map((w) => (
        <button
          key={w.key}
          type="button"
          aria-pressed={w.key === shown}
          data-width={w.design.width}
          title={w.key === 'wide' ? 'The wider design: the page' : 'The narrower design: the page below its breakpoint'}
          onClick={() => onChange(w.key)}
        >
          {w.design.width} px
        </button>
      ))}
    </div>
  );
}
