// Where each segment of a model server's conversion stands, for the job's details: the app
// shows it as it moves, and the version records where each segment's code came from.
import type { SegmentView } from '../api/contract.ts';
import type { Segment } from './segments.ts';

/** Reasoning kept per segment for the app to show; the rest of a long thought is left out. */
const MAX_REASONING_CHARS = 20_000;

export class SegmentBoard {
  private readonly views: SegmentView[];

  constructor(
    segments: readonly Pick<Segment, 'id' | 'label' | 'box'>[],
    private readonly onChange: (views: SegmentView[]) => void = () => {},
  ) {
    this.views = segments.map(({ id, label, box }) => ({ id, label, box: { x: box.x, y: box.y, width: box.width, height: box.height }, state: 'waiting', received: 0, attempts: 0 }));
    this.emit();
  }

  writing(id: string): void {
    this.update(id, (v) => ({ ...v, state: 'writing', attempts: v.attempts + 1, received: 0 }));
  }

  received(id: string, chars: number): void {
    this.update(id, (v) => ({ ...v, received: chars }));
  }

  fromModel(id: string, reasoning: string): void {
    this.update(id, (v) => ({ ...v, state: 'model', reason: undefined, ...kept(reasoning) }));
  }

  fromPerception(id: string, reason: string, reasoning = ''): void {
    this.update(id, (v) => ({ ...v, state: 'perception', reason, ...kept(reasoning) }));
  }

  get segments(): SegmentView[] {
    return this.views.map((v) => ({ ...v }));
  }

  private update(id: string, change: (view: SegmentView) => SegmentView): void {
    const i = this.views.findIndex((v) => v.id === id);
    if (i < 0) throw new Error(`No segment ${id}.`);
    this.views[i] = change(this.views[i]!);
    this.emit();
  }

  private emit(): void {
    this.onChange(this.segments);
  }
}

const kept = (reasoning: string) => (reasoning ? { reasoning: reasoning.length > MAX_REASONING_CHARS ? `${reasoning.slice(0, MAX_REASONING_CHARS)}…` : reasoning } : {});
