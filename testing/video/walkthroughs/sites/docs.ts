// Documentation for a made-up data tool: a long guide with a table of contents whose links
// jump within the page (same screen), ending in a link to an API reference page. White and
// violet, DejaVu Sans with DejaVu Sans Mono for code.
import type { Site } from './site.ts';

interface Section {
  id: string;
  title: string;
  body: string;
}

const p = (text: string) => `<p>${text}</p>`;
const code = (text: string) => `<pre><code>${text}</code></pre>`;
const note = (kind: 'tip' | 'warn', text: string) => `<div class="callout ${kind}"><b>${kind === 'tip' ? 'Tip' : 'Careful'}</b> ${text}</div>`;

const SECTIONS: Section[] = [
  {
    id: 'overview',
    title: 'Overview',
    body:
      p('Quarry moves data from where it is produced to where it is queried. A pipeline is a small YAML file: one or more <em>sources</em>, a chain of <em>transforms</em>, and a <em>sink</em>. Quarry runs it once, on a schedule, or continuously.') +
      p('This guide takes you from an empty folder to a scheduled pipeline that loads a CSV export into Postgres every night, and shows where to look when a run fails.'),
  },
  {
    id: 'install',
    title: 'Installation',
    body:
      p('Quarry ships as a single binary for Linux, macOS and Windows. Install it with your package manager or download it from the releases page.') +
      code('$ brew install quarry\n$ quarry --version\nquarry 2.8.1 (linux/amd64)') +
      note('tip', 'On servers, pin the version in your provisioning scripts so pipelines do not change behaviour on upgrade.'),
  },
  {
    id: 'quickstart',
    title: 'Quick start',
    body:
      p('Create a project folder and let Quarry write a starter pipeline. The <code>init</code> command asks three questions and writes <code>quarry.yml</code>.') +
      code('$ mkdir orders && cd orders\n$ quarry init\n? Source type: csv\n? Sink type: postgres\n? Schedule: daily at 02:00\nwrote quarry.yml') +
      p('Run it once by hand before scheduling it. Quarry prints one line per batch, and a summary when the run ends.') +
      code('$ quarry run\nbatch 1/4  12,000 rows  0.8 s\nbatch 2/4  12,000 rows  0.7 s\nbatch 3/4  12,000 rows  0.7 s\nbatch 4/4   4,218 rows  0.3 s\ndone: 40,218 rows in 2.5 s'),
  },
  {
    id: 'configuration',
    title: 'Configuration',
    body:
      p('Everything a pipeline does is in <code>quarry.yml</code>. Values in <code>${...}</code> are read from the environment when the pipeline starts, so secrets never sit in the file.') +
      code('source:\n  type: csv\n  path: exports/orders-*.csv\n  header: true\ntransforms:\n  - rename: { "Order ID": order_id }\n  - cast: { total: decimal(10,2) }\nsink:\n  type: postgres\n  url: ${DATABASE_URL}\n  table: orders') +
      `<table class="ref"><thead><tr><th>Key</th><th>Default</th><th>Meaning</th></tr></thead><tbody>
        <tr><td><code>batch_size</code></td><td>12000</td><td>Rows read before each write</td></tr>
        <tr><td><code>retries</code></td><td>3</td><td>Attempts per batch before the run fails</td></tr>
        <tr><td><code>on_error</code></td><td>stop</td><td><code>stop</code>, <code>skip</code> or <code>quarantine</code></td></tr>
        <tr><td><code>timezone</code></td><td>UTC</td><td>Used by schedules and date casts</td></tr>
      </tbody></table>`,
  },
  {
    id: 'transforms',
    title: 'Transforms',
    body:
      p('Transforms run in the order they are listed. Each one sees the rows the previous one produced, so a filter placed early saves work in every later step.') +
      code('transforms:\n  - filter: status != "test"\n  - derive: { year: year(created_at) }\n  - dedupe: [order_id]') +
      note('warn', '<code>dedupe</code> keeps every key it has seen in memory. For tables with hundreds of millions of rows, dedupe in the sink instead.') +
      p('Custom transforms are plain scripts that read JSON lines on stdin and write them on stdout; Quarry runs them in a sandbox with no network access.'),
  },
  {
    id: 'scheduling',
    title: 'Scheduling',
    body:
      p('A schedule is a cron expression or one of <code>hourly</code>, <code>daily at HH:MM</code> and <code>weekly on DAY</code>. The scheduler runs inside <code>quarry serve</code>, which also exposes a status page on port 7700.') +
      code('schedule: daily at 02:00\nnotify:\n  on_failure: ops@example.com') +
      p('Runs never overlap: if a run is still going when the next one is due, the next one waits, and the status page says so.'),
  },
  {
    id: 'troubleshooting',
    title: 'Troubleshooting',
    body:
      p('Every run writes a log under <code>.quarry/runs/</code>. The last lines of a failed run name the batch, the row and the reason.') +
      code('$ quarry logs --last\nbatch 3/4 failed: row 27,114: total "12,50" is not a decimal\nhint: set cast.locale to "de" or clean the column first') +
      p('If a source file is still being written when Quarry reads it, set <code>settle: 30s</code> on the source so files are only read after they stop changing.'),
  },
];

const header = (active: 'guide' | 'api') => `
<header class="top">
  <a class="logo" href="guide.html">◆ Quarry <span>docs</span></a>
  <nav><a href="guide.html" class="${active === 'guide' ? 'on' : ''}">Guide</a><a href="api.html" class="${active === 'api' ? 'on' : ''}">API</a><a href="#">Changelog</a></nav>
  <span class="search">Search docs… <kbd>/</kbd></span>
</header>`;

const guide = `${header('guide')}
<div class="doc">
  <nav class="toc" aria-label="On this page">
    <b>On this page</b>
    ${SECTIONS.map((s) => `<a href="#${s.id}">${s.title}</a>`).join('')}
  </nav>
  <article>
    <p class="kicker">Guide</p>
    <h1>Build your first pipeline</h1>
    ${SECTIONS.map((s) => `<section id="${s.id}"><h2>${s.title}</h2>${s.body}</section>`).join('')}
    <div class="pager">
      <a class="prev" href="#">← Concepts<small>Previous</small></a>
      <a class="next" href="api.html">API reference →<small>Next</small></a>
    </div>
  </article>
</div>`;

const METHODS = [
  ['pipeline.run(options)', 'Runs the pipeline once and resolves with a summary.', [['dryRun', 'boolean', 'Read and transform, but write nothing'], ['limit', 'number', 'Stop after this many rows']]],
  ['pipeline.schedule(spec)', 'Registers the pipeline with the scheduler.', [['spec', 'string', 'Cron expression or shorthand'], ['timezone', 'string', 'IANA zone, default UTC']]],
  ['pipeline.on(event, fn)', 'Subscribes to batch, error and done events.', [['event', 'string', '"batch", "error" or "done"'], ['fn', 'function', 'Called with the event payload']]],
  ['source.preview(n)', 'Reads the first n rows without running transforms.', [['n', 'number', 'Rows to read, default 20']]],
] as const;

const api = `${header('api')}
<div class="doc">
  <nav class="toc" aria-label="Methods">
    <b>Methods</b>
    ${METHODS.map(([name]) => `<a href="#${name.split('(')[0].replace('.', '-')}">${name.split('(')[0]}</a>`).join('')}
  </nav>
  <article>
    <p class="kicker">Reference</p>
    <h1>JavaScript API</h1>
    ${p('The <code>@quarry/sdk</code> package drives pipelines from code. Every method returns a promise and throws a <code>QuarryError</code> with a <code>code</code> field on failure.')}
    ${code("import { load } from '@quarry/sdk';\nconst pipeline = await load('quarry.yml');\nconst summary = await pipeline.run({ dryRun: true });")}
    ${METHODS.map(
      ([name, text, params]) => `<section id="${name.split('(')[0].replace('.', '-')}" class="method"><h2><code>${name}</code></h2>${p(text)}
        <table class="ref"><thead><tr><th>Parameter</th><th>Type</th><th>Description</th></tr></thead><tbody>${params.map(([n, t, d]) => `<tr><td><code>${n}</code></td><td>${t}</td><td>${d}</td></tr>`).join('')}</tbody></table></section>`,
    ).join('')}
    <div class="pager"><a class="prev" href="guide.html">← Build your first pipeline<small>Previous</small></a></div>
  </article>
</div>`;

const css = `
body{font-family:"DejaVu Sans",sans-serif;color:#1f1b2e;background:#fff;font-size:15px;line-height:1.65}
.top{display:flex;align-items:center;gap:32px;height:60px;padding:0 32px;border-bottom:1px solid #ece9f5}
.logo{font-weight:700;text-decoration:none;color:#5b21b6;font-size:18px}
.logo span{color:#8b84a3;font-weight:400}
.top nav{display:flex;gap:20px;flex:1}
.top nav a{text-decoration:none;color:#4b4563;padding:18px 0;border-bottom:2px solid transparent}
.top nav a:hover{color:#5b21b6;border-bottom-color:#c4b5fd}
.top nav a:active{color:#3b0764}
.top nav a.on{color:#5b21b6;border-bottom-color:#5b21b6}
.search{padding:7px 12px;border:1px solid #ddd8ea;border-radius:8px;color:#8b84a3;font-size:13px;width:220px;display:flex;justify-content:space-between}
kbd{font-family:"DejaVu Sans Mono",monospace;background:#f4f2fa;border-radius:4px;padding:0 5px}
.doc{display:grid;grid-template-columns:230px minmax(0,760px);gap:48px;max-width:1100px;margin:0 auto;padding:32px}
.toc{display:flex;flex-direction:column;gap:2px;font-size:14px;align-self:start}
.toc b{font-size:12px;text-transform:uppercase;letter-spacing:1px;color:#8b84a3;margin-bottom:8px}
.toc a{padding:5px 10px;border-left:2px solid #ece9f5;color:#4b4563;text-decoration:none}
.toc a:hover{border-left-color:#7c3aed;color:#5b21b6;background:#f7f4ff}
.toc a:active{background:#ede9fe}
.kicker{margin:0;color:#7c3aed;font-weight:700;font-size:13px;text-transform:uppercase;letter-spacing:1px}
h1{font-size:34px;line-height:1.2;margin:6px 0 24px}
h2{font-size:22px;margin:40px 0 12px;padding-top:8px}
section:target h2{color:#5b21b6}
code{font-family:"DejaVu Sans Mono",monospace;font-size:13px;background:#f4f2fa;padding:1px 5px;border-radius:4px}
pre{background:#1e1b2e;color:#e9e5f5;padding:16px 18px;border-radius:10px;overflow:auto}
pre code{background:none;padding:0;color:inherit}
.callout{padding:12px 16px;border-radius:8px;margin:16px 0;border-left:4px solid}
.callout.tip{background:#f0fdf4;border-color:#22c55e}
.callout.warn{background:#fff7ed;border-color:#f97316}
.ref{width:100%;border-collapse:collapse;margin:16px 0;font-size:14px}
.ref th{text-align:left;padding:8px 10px;border-bottom:2px solid #ece9f5;color:#8b84a3;font-weight:400}
.ref td{padding:8px 10px;border-bottom:1px solid #ece9f5}
.ref tbody tr:hover{background:#faf8ff}
.method h2 code{font-size:18px;background:none;padding:0;color:#5b21b6}
.pager{display:flex;justify-content:space-between;gap:16px;margin:56px 0 24px}
.pager a{display:flex;flex-direction:column-reverse;flex:1;padding:16px 20px;border:1px solid #ddd8ea;border-radius:10px;text-decoration:none;font-weight:700;color:#5b21b6}
.pager a small{font-weight:400;color:#8b84a3}
.pager .next{text-align:right}
.pager a:hover{border-color:#7c3aed;background:#faf8ff}
.pager a:active{background:#ede9fe}
@media (max-width:800px){
  .top{padding:0 14px;gap:14px}.search{display:none}
  .doc{grid-template-columns:1fr;padding:16px;gap:12px}.toc{flex-direction:row;flex-wrap:wrap}.toc b{width:100%}
  h1{font-size:26px}
}
`;

export const docs: Site = {
  name: 'docs',
  css,
  pages: {
    guide: { title: 'Build your first pipeline — Quarry docs', body: guide },
    api: { title: 'JavaScript API — Quarry docs', body: api },
  },
};
