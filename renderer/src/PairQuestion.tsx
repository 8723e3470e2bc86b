// Two design images given at once: one page at two widths (a desktop and a phone design of it,
// converted into one codebase that looks like each at its width), or two designs of their own?
interface Props {
  pair: [File, File];
  onOnePage: () => void;
  onSeparate: () => void;
  onCancel: () => void;
}

export function PairQuestion({ pair, onOnePage, onSeparate, onCancel }: Props) {
  return (
    <section className="pair-question" role="dialog" aria-labelledby="pair-question-title" data-testid="pair-question">
      <p id="pair-question-title">
        <strong>{pair[0].name}</strong> and <strong>{pair[1].name}</strong>: one page at two widths?
      </p>
      <p className="hint">One page: the wider design is the page, the narrower one (a phone's) its layout below a breakpoint, in one codebase scored against each.</p>
      <button type="button" data-testid="pair-one-page" onClick={onOnePage}>
        One page at two widths
      </button>
      <button type="button" data-testid="pair-separate" onClick={onSeparate}>
        Two designs
      </button>
      <button type="button" className="link" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
