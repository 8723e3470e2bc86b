// Walkthroughs over real pages: the Design2Code dev split. Long pages are read top to bottom;
// "navigation" clicks a link or button that is on screen and loads another dev page in its
// place (their links lead nowhere offline), so the pair plays as one site.
import { clickOn, dwell, flow, readToBottom, scrollTo, type Flow, type Target } from './flows.ts';
import { D2C_SITE } from './origin.ts';

const page = (id: string) => `${D2C_SITE}/${id}.html`;
const link = (text: string, css = 'a, button'): Target => ({ css, text });

/** Reads a long page to its end and goes back to the top. */
export const d2cRead = (id: string): Flow => flow(`d2c-read-${id}`, page(id), dwell(1200), readToBottom(), dwell(600), scrollTo('top', 1200), dwell(800));

/** Clicks a visible link on one dev page, which opens another, and reads that one. */
export const d2cLink = (from: string, text: string, to: string): Flow =>
  flow(`d2c-link-${from}-${to}`, page(from), dwell(1200), clickOn(link(text), { opens: `${to}.html` }), dwell(1000), readToBottom(), dwell(600));

/** Reads one page, opens a second from its top bar, and comes back to the first by the second's own link. */
export const d2cRoundTrip = flow(
  'd2c-round-trip-17633-2310',
  page('17633'),
  dwell(1000),
  readToBottom(),
  scrollTo('top', 1200),
  dwell(400),
  clickOn(link('News'), { opens: '2310.html' }),
  dwell(1200),
  clickOn(link('HOME'), { opens: '17633.html' }),
  dwell(1000),
);

/** For the tests: a page read partly, then a link to another, in a few seconds. */
export const d2cQuick = flow('d2c-quick', page('2310'), dwell(400), clickOn(link('writings'), { opens: '16537.html', settleMs: 120 }), dwell(400), scrollTo('bottom', 1200), dwell(500));
