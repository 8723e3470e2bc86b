// A model server's segments as the job list says them while it writes: each one's state in a
// few words (waiting, writing N chars, from the model, fell back and why), and the job's in one
// line (how many are done, how many of those came from the model).
import type { SegmentView } from '../../engine/api/contract.ts';

const count = (n: number) => n.toLocaleString('en-US');

export function segmentStatus(segment: SegmentView): string {
  const again = segment.attempts > 1 ? ` (try ${segment.attempts})` : '';
  switch (segment.state) {
    case 'waiting':
      return 'waiting';
    case 'writing':
      return `writing ${count(segment.received)} chars${again}`;
    case 'model':
      return 'from model';
    case 'perception':
      return segment.reason ? `fell back: ${segment.reason}` : 'fell back to perception';
  }
}

/** `3 of 5 segments done (2 from model, 1 fell back) · 4,210 chars`. */
export function segmentsSummary(segments: readonly SegmentView[]): string {
  const fromModel = segments.filter((s) => s.state === 'model').length;
  const fellBack = segments.filter((s) => s.state === 'perception').length;
  const received = segments.reduce((sum, s) => sum + s.received, 0);
  const parts = [`${fromModel + fellBack} of ${segments.length} ${segments.length === 1 ? 'segment' : 'segments'} done`];
  if (fromModel + fellBack > 0) parts[0] += ` (${fromModel} from model, ${fellBack} fell back)`;
  if (received > 0) parts.push(`${count(received)} chars`);
  return parts.join(' · ');
}

/** The segments whose model thought aloud, for the job's details. */
export const reasoningOf = (segments: readonly SegmentView[]) =>
  segments.filter((s): s is SegmentView & { reasoning: string } => (s.reasoning ?? '').trim() !== '').map((s) => ({ id: s.id, label: s.label, reasoning: s.reasoning }));
