// Walkthroughs of the hand-written sites: navigating, switching tabs, flipping switches,
// reading long pages and clicking further down, and coming back to screens already seen.
import { clickOn, dwell, flow, readToBottom, scrollBy, scrollTo, scrollToReveal, type Flow, type Step } from './flows.ts';

const card = (name: string) => ({ css: '.card', text: name });
const tab = (id: string) => `[data-tab="${id}"]`;
const sideNav = (page: string) => `.side nav a[href="${page}.html"]`;

/** Shop: every page, a long list scrolled to its end, a colour picked in place. */
export const shopBrowse = flow(
  'shop-browse',
  'shop/index.html',
  dwell(1200),
  clickOn({ css: '.cat', text: 'Tents' }),
  dwell(1000),
  readToBottom(),
  clickOn('.recent .card:first-child'),
  dwell(1200),
  scrollBy(520, 800),
  dwell(900),
  scrollTo('top', 700),
  dwell(400),
  clickOn({ css: '.size', text: 'Slate' }),
  dwell(600),
  clickOn('.add'),
  dwell(1500),
);

/** Shop: back and forth between the list and a product, then to the cart. */
export const shopRevisit = flow(
  'shop-revisit',
  'shop/index.html',
  dwell(900),
  clickOn({ css: '.main-nav a', text: 'Shop' }),
  dwell(800),
  clickOn(card('Ridgeline 2P Tent')),
  dwell(1000),
  clickOn({ css: '.crumbs a', text: 'All gear' }),
  dwell(700),
  scrollBy(600, 800),
  dwell(500),
  clickOn(card('Basecamp 4P Dome')),
  dwell(900),
  clickOn('.add'),
  dwell(800),
  clickOn({ css: '.crumbs', text: '← Continue shopping' }),
  dwell(1000),
);

/** Settings: tabs that swap the panel in place, a switch, a separate page, and back. */
export const settingsTabs = flow(
  'settings-tabs',
  'settings/account.html',
  dwell(1000),
  clickOn(tab('notifications')),
  dwell(800),
  clickOn('#n-weekly'),
  dwell(700),
  clickOn(tab('security')),
  dwell(900),
  clickOn(tab('billing')),
  dwell(900),
  clickOn(tab('profile')),
  dwell(700),
  clickOn({ css: '.bar nav a', text: 'Team' }),
  dwell(1000),
  clickOn('.back a'),
  dwell(900),
);

/** Docs: a long guide read in part, a jump from the table of contents, the link at its end. */
export const docsRead = flow(
  'docs-read',
  'docs/guide.html',
  dwell(1000),
  scrollBy(560, 800),
  dwell(1100),
  scrollBy(560, 800),
  dwell(900),
  scrollTo('top', 900),
  dwell(300),
  clickOn({ css: '.toc a', text: 'Troubleshooting' }),
  dwell(1000),
  scrollTo('bottom', 900),
  dwell(500),
  clickOn('.pager .next'),
  dwell(900),
  scrollBy(500, 700),
  dwell(900),
);

/** Docs: from the end of the API page back to the guide, and to the API again from the top bar. */
export const docsApiBack = flow(
  'docs-api-back',
  'docs/api.html',
  dwell(800),
  readToBottom(),
  clickOn('.pager .prev'),
  dwell(900),
  clickOn({ css: '.top nav a', text: 'API' }),
  dwell(900),
);

/** Dashboard: sidebar pages, in-place filters, a long table, and a link at the foot of the overview. */
export const dashboardNav = flow(
  'dashboard-nav',
  'dashboard/overview.html',
  dwell(1000),
  clickOn({ css: '.chip', text: 'Quarter' }),
  dwell(600),
  clickOn(sideNav('orders')),
  dwell(700),
  clickOn({ css: '.filter', text: 'Pending' }),
  dwell(500),
  scrollTo('bottom', 1400),
  dwell(800),
  scrollTo('top', 1000),
  clickOn(sideNav('customers')),
  dwell(1000),
  clickOn(sideNav('overview')),
  dwell(600),
  scrollTo('bottom', 900),
  clickOn('.more'),
  dwell(900),
);

/** Blog: a post from the list, read to its end, the next one, and back to the list. */
export const blogRead = flow(
  'blog-read',
  'blog/index.html',
  dwell(1000),
  clickOn({ css: '.post-link', text: 'What the margins of old books remember' }),
  dwell(900),
  readToBottom(700, 700),
  clickOn('.next-prev .next'),
  dwell(800),
  scrollTo('bottom', 700),
  clickOn('.next-prev .all'),
  dwell(900),
);

/** Blog: the same article reached by two different links in the list. */
export const blogRevisit = flow(
  'blog-revisit',
  'blog/index.html',
  dwell(800),
  clickOn({ css: '.post-link', text: 'Letters to a young typesetter' }),
  dwell(900),
  scrollBy(700, 900),
  dwell(700),
  scrollTo('top', 700),
  clickOn({ css: '.mast nav a', text: 'Archive' }),
  dwell(600),
  scrollToReveal({ css: '.post-link', text: 'Reading slowly, on purpose' }, 900),
  dwell(300),
  clickOn({ css: '.post-link', text: 'Reading slowly, on purpose' }),
  dwell(1000),
);

/** Short walkthroughs for the tests: a small viewport, a few seconds each. */
export const shopQuick = flow(
  'shop-quick',
  'shop/index.html',
  dwell(400),
  clickOn('.hero .btn', { settleMs: 120 }),
  dwell(400),
  scrollToReveal(card('Ridgeline 2P Tent'), 600),
  clickOn(card('Ridgeline 2P Tent'), { settleMs: 120 }),
  dwell(600),
);

export const settingsQuick = flow(
  'settings-quick',
  'settings/account.html',
  dwell(400),
  clickOn(tab('notifications'), { settleMs: 120 }),
  dwell(400),
  clickOn('#n-weekly', { settleMs: 120 }),
  dwell(400),
  clickOn(tab('profile'), { settleMs: 120 }),
  dwell(600),
);

export const docsQuick = flow(
  'docs-quick',
  'docs/guide.html',
  dwell(400),
  scrollTo('bottom', 1500),
  dwell(300),
  clickOn('.pager .next', { settleMs: 120 }),
  dwell(600),
);

/**
 * A two-minute session through the shop for the memory benchmark: long reading pauses (the
 * frames repeat, which keeps it quick to make) between the moves and scrolls of shopBrowse.
 */
export function longSession(minutes: number): Flow {
  const lap: Step[] = [
    dwell(4000),
    ...clickOn({ css: '.cat', text: 'Tents' }),
    dwell(5000),
    scrollBy(600, 900),
    dwell(4000),
    scrollBy(600, 900),
    dwell(4000),
    scrollTo('top', 900),
    ...clickOn(card('Ridgeline 2P Tent')),
    dwell(5000),
    scrollBy(700, 900),
    dwell(5000),
    scrollTo('top', 900),
    ...clickOn('.add'),
    dwell(4000),
    ...clickOn('.logo'),
  ];
  // Moves take 400–700 ms by distance and presses 100 ms: near enough to plan the laps, and a
  // last pause makes up the rest of the time.
  const lapMs = lap.reduce((ms, s) => ms + (s.kind === 'move' ? 550 : s.kind === 'click' ? 100 : s.kind === 'read' ? 0 : s.ms), 0);
  const totalMs = minutes * 60_000;
  const laps = Math.max(1, Math.floor((totalMs - 2000) / lapMs));
  return flow(`long-session-${minutes}min`, 'shop/index.html', ...Array.from({ length: laps }, () => lap), dwell(Math.max(2000, totalMs - laps * lapMs)));
}
