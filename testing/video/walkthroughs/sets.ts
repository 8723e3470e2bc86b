// Which walkthroughs make up each set, at what size and in which codec. 'test' is small and
// quick, for unit tests; 'bench' is what the walkthrough feature is measured on: desktop-sized
// recordings of every site and of dev pages, in both codecs at a spread of qualities, and one
// two-minute Full HD session for speed and peak memory.
import type { VideoCodec } from '../../ingest/video-encode.ts';
import { d2cLink, d2cQuick, d2cRead, d2cRoundTrip } from './d2c-flows.ts';
import type { Flow } from './flows.ts';
import { blogRead, blogRevisit, dashboardNav, docsApiBack, docsQuick, docsRead, longSession, settingsQuick, settingsTabs, shopBrowse, shopQuick, shopRevisit } from './site-flows.ts';

export type WalkthroughSetName = 'test' | 'bench';

export interface Viewport {
  width: number;
  height: number;
}

export interface WalkthroughSpec {
  /** Also the stem of its files. */
  name: string;
  flow: Flow;
  viewport: Viewport;
  codec: VideoCodec;
  crf: number;
}

const SMALL: Viewport = { width: 640, height: 400 };
const DESKTOP: Viewport = { width: 1280, height: 800 };
const FULL_HD: Viewport = { width: 1920, height: 1080 };

/** Qualities screen recorders are set to, from crisp to small, taken in turn. */
const CRF: Record<VideoCodec, number[]> = { h264: [23, 26, 28], vp9: [33, 36, 38] };

/** Codecs alternate down the list, and each codec's quality steps through its range. */
function specs(flows: Flow[], viewport: Viewport): WalkthroughSpec[] {
  return flows.map((flow, i) => {
    const codec: VideoCodec = i % 2 === 0 ? 'h264' : 'vp9';
    return { name: flow.name, flow, viewport, codec, crf: CRF[codec][Math.floor(i / 2) % CRF[codec].length] };
  });
}

export const WALKTHROUGH_SETS: Record<WalkthroughSetName, WalkthroughSpec[]> = {
  test: specs([shopQuick, settingsQuick, docsQuick, d2cQuick], SMALL),
  bench: [
    ...specs(
      [
        shopBrowse,
        shopRevisit,
        settingsTabs,
        docsRead,
        docsApiBack,
        dashboardNav,
        blogRead,
        blogRevisit,
        d2cRead('17633'),
        d2cRead('1087'),
        d2cRead('3714'),
        d2cRead('2504'),
        d2cRead('16537'),
        d2cLink('8654', 'News', '3714'),
        d2cLink('2504', 'about', '16537'),
        d2cLink('16873', 'Tutorials', '17632'),
        d2cLink('11', 'Blog', '1574'),
        d2cRoundTrip,
      ],
      DESKTOP,
    ),
    { name: 'long-session-1080p', flow: longSession(2), viewport: FULL_HD, codec: 'h264', crf: 26 },
  ],
};
