// What made a version, in the history's words: the backend, a fallback of the local model to
// perception's code, a model server's segments (which came from the model, which fell back and
// why) with the requests and tokens it took, and for an edit the version it was edited from.
import type { VersionOrigin } from '../../engine/api/contract.ts';

const BACKEND_LABELS: Record<VersionOrigin['backend'], string> = {
  perception: 'perception',
  local: 'local model',
  openai: 'model server',
  // Kept before Loupe recorded it, by a conversion the local model could have made.
  unknown: 'backend not recorded',
};

type ModelServerReport = NonNullable<VersionOrigin['modelServer']>;

export function originLabel(origin: VersionOrigin): string {
  const server = origin.modelServer;
  return [
    ...(origin.editOf !== undefined ? [`edit of v${origin.editOf}`] : []),
    BACKEND_LABELS[origin.backend],
    ...(server ? [server.model, segmentsFromModel(server)] : []),
    ...(origin.fellBack ? ['fell back to perception'] : []),
  ].join(' · ');
}

/** `3 of 5 segments from the model`. */
function segmentsFromModel({ segments }: ModelServerReport): string {
  const fromModel = segments.filter((s) => s.from === 'model').length;
  return `${fromModel} of ${segments.length} ${segments.length === 1 ? 'segment' : 'segments'} from the model`;
}

/** A model server's version in detail: where it was asked, each segment's source, and what it took. */
export function modelServerDetails(server: ModelServerReport): { asked: string; segments: Array<{ label: string; source: string }>; usage: string } {
  const n = (value: number) => value.toLocaleString('en-US');
  return {
    asked: `${server.model} at ${server.baseUrl}, ${server.strategy}`,
    segments: server.segments.map((s) => ({
      label: s.label,
      source: s.from === 'model' ? 'from the model' : `fell back to perception${s.reason ? `: ${s.reason}` : ''}`,
    })),
    usage: `${n(server.requests)} ${server.requests === 1 ? 'request' : 'requests'} · ${n(server.promptTokens)} prompt + ${n(server.completionTokens)} completion tokens`,
  };
}
