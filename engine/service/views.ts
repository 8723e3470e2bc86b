// A stored version as the app shows it: text files inline, pictures and the preview as URLs (the
// app's preview, whose elements can be picked to find their code); a screen of a walkthrough
// video's app comes with the app; one page at two widths, with its narrower design and the code's
// render and scores at that width.
import { buildPreview, type Stack } from '../codegen/index.ts';
import type { HistoryStore } from '../history/store.ts';
import type { VersionView } from '../api/contract.ts';
import type { ArtifactStore } from './artifacts.ts';
import { videoAppView } from './video/video-app.ts';

export async function versionView(history: HistoryStore, artifacts: ArtifactStore, versionId: string): Promise<VersionView> {
  const v = history.version(versionId);
  const design = history.design(v.designId);
  const html = await buildPreview({ stack: v.stack as Stack, entry: v.entry, files: v.files }, { picking: true });
  const text = v.files.filter((f): f is { path: string; contents: string } => typeof f.contents === 'string');
  return {
    designId: v.designId,
    versionId,
    number: v.number,
    kind: v.kind,
    name: design.name,
    stack: v.stack as VersionView['stack'],
    mode: v.mode as VersionView['mode'],
    entry: v.entry,
    files: text.map((f) => ({ path: f.path, contents: f.contents })),
    binaryFiles: v.files.filter((f) => typeof f.contents !== 'string').map((f) => f.path),
    preview: artifacts.put(html, 'text/html', 'html'),
    design: { url: artifacts.put(design.png, 'image/png', 'png'), width: design.width, height: design.height },
    render: artifacts.put(v.render, 'image/png', 'png'),
    diff: artifacts.put(v.diff, 'image/png', 'png'),
    scores: v.scores as VersionView['scores'],
    checks: v.checks as VersionView['checks'],
    ...(design.narrow &&
      v.narrow && {
        narrow: {
          name: design.narrow.name,
          design: { url: artifacts.put(design.narrow.png, 'image/png', 'png'), width: design.narrow.width, height: design.narrow.height },
          render: artifacts.put(v.narrow.render, 'image/png', 'png'),
          diff: artifacts.put(v.narrow.diff, 'image/png', 'png'),
          scores: v.narrow.scores as VersionView['scores'],
          checks: v.narrow.checks as VersionView['checks'],
        },
      }),
    timings: v.timings,
    createdAt: v.createdAt,
    origin: v.origin,
    ...(design.app && { app: videoAppView(history, design.app.appId) }),
  };
}
