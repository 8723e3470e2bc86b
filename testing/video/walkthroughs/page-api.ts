// What the recorder asks of the pages it records, and what they answer: the recorder's side is
// recorder.ts, the page's is page/walkthrough.ts, installed in every page as `window.__walkthrough`.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An element as the page described it at one moment; `box` is in viewport CSS px, taken at `scrollY`. */
export interface ElementFacts {
  selector: string;
  tag: string;
  role: string | null;
  text: string;
  box: Box;
  scrollY: number;
}

export interface PageState {
  /** The page's path, and "#view" when the page shows a view of its own (`data-view` on <html>). */
  screen: string;
  view: string | null;
  /** Which element is under the pointer, as a number the page keeps for it. */
  hit: number;
  scrollY: number;
  height: number;
  scrollMax: number;
}

/** An element by selector, and by the text it begins with where the selector names several. */
export interface ElementQuery {
  css: string;
  text?: string;
}

/**
 * - a click on a link to another document is stopped and remembered, so the recorder loads the
 *   next page itself, between two frames, rather than at some moment the browser picks;
 *   in-page links (a table of contents) still jump, at once;
 * - `state(x, y)` tells the recorder which screen is shown (path and view), the scroll offset,
 *   and which element is under the cursor: a page's pixels change with hover only when that
 *   element does, which is how unchanged frames are told apart without a screenshot;
 * - `find(query)` describes the element a flow points at, in the terms of the ground truth.
 */
export interface WalkthroughPage {
  state(x: number, y: number): PageState;
  /** Scrolls at once (no smooth scrolling) and says where that left the page. */
  scroll(top: number, x: number, y: number): PageState;
  /** The address of the link clicked last, if it leads to another document; forgotten once read. */
  takeNavigation(): string | null;
  find(query: ElementQuery): ElementFacts;
  /** Whether what lies at (x, y) is the element or inside it. */
  covers(selector: string, x: number, y: number): boolean;
}
