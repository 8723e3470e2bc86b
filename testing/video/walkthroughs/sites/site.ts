// A site is a few pages of hand-written HTML and CSS that a walkthrough clicks through. Pages
// are served from memory under /<site>/<page>.html, so links between them are plain relative
// hrefs. Every site uses fonts installed with the system (Liberation, DejaVu), so renders are
// the same from run to run, and no transitions or animations, whose frames would depend on
// wall-clock time rather than on the walkthrough's timeline.

export interface SitePage {
  title: string;
  body: string;
  /**
   * The page's first view, for pages with views of their own (tabs): a click that changes the
   * view sets `data-view` on <html>, and each view counts as a screen of its own.
   */
  view?: string;
}

export interface Site {
  /** The folder its pages are served from, and how the ground truth names the site. */
  name: string;
  css: string;
  /** Runs on every page: what a click changes in place (tabs, toggles). */
  script?: string;
  pages: Record<string, SitePage>;
}

const RESET = '*,*::before,*::after{box-sizing:border-box}html,body{margin:0}a{color:inherit}button{font:inherit;cursor:pointer}';

export function sitePageHtml(site: Site, pageName: string): string | undefined {
  const page = site.pages[pageName];
  if (!page) return undefined;
  const view = page.view ? ` data-view="${page.view}"` : '';
  const script = site.script ? `<script>${site.script}</script>` : '';
  return `<!doctype html><html lang="en"${view}><head><meta charset="utf-8"><title>${page.title}</title><style>${RESET}${site.css}</style></head><body>${page.body}${script}</body></html>`;
}
