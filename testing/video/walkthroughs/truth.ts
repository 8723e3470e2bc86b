// The ground truth written beside each walkthrough video: which screens it shows and when, how
// far each was scrolled, a full-page render of each, and every click with the element it hit.
import type { VideoCodec } from '../../ingest/video-encode.ts';
import { pageAddress } from './origin.ts';
import type { Box } from './page-api.ts';
import type { Recording, RecordedClick } from './recorder.ts';
import type { Point } from './motion.ts';

export const TRUTH_FORMAT = 'loupe-walkthrough-truth';
export const TRUTH_VERSION = 1;

export const SCREEN_DEFINITION =
  'A screen is one page in one view. Scrolling, hovering, pressing and small in-place changes (a switch, a filter chip, a jump to an anchor) ' +
  'stay on the same screen; another page, or a view that replaces most of the content (a tab), is another screen. ' +
  'Screens are counted once: coming back to one adds a visit and a transition, not a screen.';

export interface ScreenTruth {
  /** s1, s2, … in order of first appearance. */
  id: string;
  site: string;
  page: string;
  /** The page's view (a tab) when it has views of its own, else null. */
  view: string | null;
  /** The page's path on the walkthrough origin. */
  path: string;
  firstFrame: number;
  firstTimeS: number;
  scrolled: boolean;
  /** The furthest it was scrolled, over all its visits, CSS px (= video px). */
  maxScrollY: number;
  /** The document's height, CSS px; the full-page render is this tall. */
  pageHeight: number;
  /** The full-page render (viewport width × pageHeight, PNG, no pointer, no hover), beside this file. */
  fullPage: string;
}

export interface VisitTruth {
  screen: string;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  startS: number;
  endS: number;
  /** Scroll offset of the visit's first and last frames, and the largest in between. */
  scrollY: { start: number; end: number; max: number };
}

export interface ClickTruth {
  from: string;
  to: string;
  /** The release: the first frame, and its time, that shows the click's result. */
  frame: number;
  timeS: number;
  /** The button went down here; the pressed (:active) style shows from this frame to the release. */
  pressFrame: number;
  pressS: number;
  point: { viewport: Point; page: Point };
  element: {
    tag: string;
    role: string | null;
    text: string;
    /** Names this element alone in the source page. */
    selector: string;
    /** In the source page's coordinates (the document, unscrolled), CSS px. */
    pageBox: Box;
    /** In the viewport at the press. */
    viewportBox: Box;
  };
}

export interface WalkthroughTruth {
  format: typeof TRUTH_FORMAT;
  version: typeof TRUTH_VERSION;
  /** Changes whenever the generator or its inputs do; a cached walkthrough with another stamp is made again. */
  generator: string;
  name: string;
  /** The video file, beside this one. */
  video: string;
  codec: VideoCodec;
  crf: number;
  fps: number;
  frames: number;
  durationS: number;
  /** CSS px, which are the video's pixels (device scale 1). */
  viewport: { width: number; height: number };
  screenDefinition: string;
  screenCount: number;
  screens: ScreenTruth[];
  /** Every frame belongs to exactly one visit; consecutive visits show different screens. */
  visits: VisitTruth[];
  /** Clicks that changed the screen, one per pair of consecutive visits. */
  transitions: ClickTruth[];
  /** Clicks that left the screen as it was (by the definition above). */
  inPlaceClicks: ClickTruth[];
}

/** What the recorder knows beside the recording: the truth's own fields, and how its full-page renders are named. */
export interface TruthMeta extends Pick<WalkthroughTruth, 'generator' | 'name' | 'video' | 'codec' | 'crf' | 'fps' | 'viewport'> {
  /** The full-page render's file name for a screen id. */
  fullPageFile: (id: string) => string;
}

const seconds = (frame: number, fps: number) => Math.round((frame / fps) * 1000) / 1000;

export function buildTruth(recording: Recording, meta: TruthMeta): WalkthroughTruth {
  const { fps } = meta;
  const ids = new Map(recording.screens.map((s, i) => [s.key, `s${i + 1}`]));
  const id = (key: string) => ids.get(key)!;
  const screens = recording.screens.map((s): ScreenTruth => {
    const { site, page } = pageAddress(s.url);
    return {
      id: id(s.key),
      site,
      page,
      view: s.view,
      path: new URL(s.url).pathname,
      firstFrame: s.firstFrame,
      firstTimeS: seconds(s.firstFrame, fps),
      scrolled: s.maxScrollY > 0,
      maxScrollY: s.maxScrollY,
      pageHeight: s.pageHeight,
      fullPage: meta.fullPageFile(id(s.key)),
    };
  });
  const click = (c: RecordedClick): ClickTruth => {
    const { box, scrollY } = c.element;
    return {
      from: id(c.from),
      to: id(c.to),
      frame: c.frame,
      timeS: seconds(c.frame, fps),
      pressFrame: c.pressFrame,
      pressS: seconds(c.pressFrame, fps),
      point: { viewport: c.point, page: { x: c.point.x, y: c.point.y + scrollY } },
      element: { tag: c.element.tag, role: c.element.role, text: c.element.text, selector: c.element.selector, pageBox: { ...box, y: box.y + scrollY }, viewportBox: box },
    };
  };
  return {
    format: TRUTH_FORMAT,
    version: TRUTH_VERSION,
    generator: meta.generator,
    name: meta.name,
    video: meta.video,
    codec: meta.codec,
    crf: meta.crf,
    fps,
    frames: recording.frames,
    durationS: seconds(recording.frames, fps),
    viewport: meta.viewport,
    screenDefinition: SCREEN_DEFINITION,
    screenCount: screens.length,
    screens,
    visits: recording.visits.map((v) => ({
      screen: id(v.screen),
      startFrame: v.startFrame,
      endFrame: v.endFrame,
      startS: seconds(v.startFrame, fps),
      endS: seconds(v.endFrame, fps),
      scrollY: v.scrollY,
    })),
    transitions: recording.clicks.filter((c) => c.from !== c.to).map(click),
    inPlaceClicks: recording.clicks.filter((c) => c.from === c.to).map(click),
  };
}
