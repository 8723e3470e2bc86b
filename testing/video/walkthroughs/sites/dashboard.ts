// A sales dashboard with a sidebar: overview (figures, a bar chart, recent orders), a long
// orders table, and a grid of customers, each its own page. Slate and teal, Liberation Sans.
import type { Site } from './site.ts';

const NAV = [
  ['overview', 'Overview', '▦'],
  ['orders', 'Orders', '☰'],
  ['customers', 'Customers', '☺'],
] as const;

const sidebar = (active: string) => `
<aside class="side">
  <div class="brand"><span>M</span>Metricly</div>
  <nav>
    ${NAV.map(([page, label, icon]) => `<a href="${page}.html" class="${page === active ? 'on' : ''}"><i>${icon}</i>${label}</a>`).join('')}
    <a href="#"><i>⚙</i>Settings</a>
  </nav>
  <div class="side-foot"><b>Pro plan</b><span>12 of 20 seats</span></div>
</aside>`;

const shell = (active: string, title: string, content: string) => `
<div class="app">${sidebar(active)}
  <div class="main">
    <header class="head"><h1>${title}</h1><div class="range"><button class="chip on">30 days</button><button class="chip">Quarter</button><button class="chip">Year</button></div></header>
    ${content}
  </div>
</div>`;

const STATUS = ['Paid', 'Shipped', 'Pending', 'Refunded'];
const NAMES = ['Ava Thompson', 'Noah Schmidt', 'Mia Rossi', 'Liam Chen', 'Zoe Martin', 'Ethan Novak', 'Isla Brown', 'Omar Haddad', 'Nora Berg', 'Leo Dubois'];
const ORDERS = Array.from({ length: 28 }, (_, i) => ({
  id: `#${(10482 - i * 7).toString()}`,
  customer: NAMES[(i * 3) % NAMES.length],
  date: `Jun ${28 - Math.floor(i / 2)}, 2026`,
  total: `$${(37 + ((i * 53) % 410)).toFixed(2)}`,
  status: STATUS[(i * 5) % 4],
}));

const orderRows = (n: number) =>
  ORDERS.slice(0, n)
    .map((o) => `<tr><td class="mono">${o.id}</td><td>${o.customer}</td><td>${o.date}</td><td><span class="status s-${o.status.toLowerCase()}">${o.status}</span></td><td class="num">${o.total}</td></tr>`)
    .join('');

const table = (n: number) =>
  `<table class="grid-table"><thead><tr><th>Order</th><th>Customer</th><th>Date</th><th>Status</th><th class="num">Total</th></tr></thead><tbody>${orderRows(n)}</tbody></table>`;

const BARS = [42, 55, 48, 61, 70, 66, 74, 58, 81, 77, 88, 93];
const MONTHS = ['Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];

const overview = shell(
  'overview',
  'Overview',
  `
  <div class="kpis">
    ${[
      ['Revenue', '$48,290', '+12.4%', true],
      ['Orders', '1,284', '+8.1%', true],
      ['Avg. order', '$37.61', '+3.9%', true],
      ['Refunds', '2.3%', '+0.4%', false],
    ]
      .map(([label, value, delta, good]) => `<div class="kpi"><span>${label}</span><b>${value}</b><em class="${good ? 'up' : 'down'}">${delta}</em></div>`)
      .join('')}
  </div>
  <div class="panels">
    <section class="panel"><h2>Revenue by month</h2>
      <div class="chart">${BARS.map((h, i) => `<div class="bar-col"><div class="bar" style="height:${h * 2}px" title="${MONTHS[i]}"></div><span>${MONTHS[i]}</span></div>`).join('')}</div>
    </section>
    <section class="panel"><h2>Top channels</h2>
      ${[
        ['Organic search', 41],
        ['Newsletter', 27],
        ['Paid social', 18],
        ['Referral', 14],
      ]
        .map(([name, pct]) => `<div class="channel"><span>${name}</span><b>${pct}%</b><div class="track"><div style="width:${pct}%"></div></div></div>`)
        .join('')}
    </section>
  </div>
  <section class="panel"><div class="panel-head"><h2>Recent orders</h2><a class="more" href="orders.html">View all orders →</a></div>${table(6)}</section>`,
);

const orders = shell(
  'orders',
  'Orders',
  `
  <div class="toolbar"><span class="search">Search orders…</span>${['All', 'Paid', 'Shipped', 'Pending', 'Refunded'].map((f, i) => `<button class="filter${i === 0 ? ' on' : ''}">${f}</button>`).join('')}<button class="export">Export CSV</button></div>
  <section class="panel">${table(ORDERS.length)}
    <div class="pages"><span>Showing 1–${ORDERS.length} of 1,284</span><div><button class="chip">Previous</button><button class="chip on">1</button><button class="chip">2</button><button class="chip">3</button><button class="chip">Next</button></div></div>
  </section>`,
);

const COLOURS = ['#0d9488', '#7c3aed', '#ea580c', '#2563eb', '#db2777', '#65a30d', '#0891b2', '#b45309', '#4f46e5', '#dc2626'];
const customers = shell(
  'customers',
  'Customers',
  `
  <div class="cust-grid">${NAMES.map(
    (n, i) =>
      `<a class="cust" href="#"><span class="ini" style="background:${COLOURS[i]}">${n
        .split(' ')
        .map((w) => w[0])
        .join('')}</span><b>${n}</b><span>${3 + ((i * 7) % 19)} orders · $${(120 + i * 97).toLocaleString('en-US')}</span><span class="since">Customer since ${2019 + (i % 6)}</span></a>`,
  ).join('')}</div>`,
);

const css = `
body{font-family:"Liberation Sans",Arial,sans-serif;background:#f1f5f9;color:#0f172a;font-size:14px}
.app{display:grid;grid-template-columns:220px 1fr;min-height:100vh}
.side{display:flex;flex-direction:column;background:#0f2f2c;color:#ccfbf1;padding:20px 14px}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;font-size:18px;margin:0 6px 28px;color:#fff}
.brand span{display:grid;place-items:center;width:30px;height:30px;border-radius:8px;background:#14b8a6;color:#042f2e}
.side nav{display:flex;flex-direction:column;gap:4px}
.side nav a{display:flex;gap:12px;align-items:center;padding:10px 12px;border-radius:8px;text-decoration:none;color:#99f6e4}
.side nav a i{font-style:normal;width:18px;text-align:center}
.side nav a:hover{background:#134e4a;color:#fff}
.side nav a:active{background:#115e59}
.side nav a.on{background:#14b8a6;color:#042f2e;font-weight:700}
.side-foot{margin-top:auto;padding:14px;border-radius:10px;background:#134e4a;display:flex;flex-direction:column;gap:2px;font-size:12px}
.main{padding:24px 32px;min-width:0}
.head{display:flex;justify-content:space-between;align-items:center;margin-bottom:20px}
.head h1{font-size:26px;margin:0}
.range{display:flex;gap:4px;background:#e2e8f0;padding:3px;border-radius:8px}
.chip{padding:6px 12px;border:0;border-radius:6px;background:transparent;color:#334155}
.chip:hover{background:#fff}
.chip:active{background:#cbd5e1}
.chip.on{background:#fff;color:#0f766e;font-weight:700;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:16px;margin-bottom:16px}
.kpi{background:#fff;border-radius:12px;padding:18px;display:flex;flex-direction:column;gap:6px;box-shadow:0 1px 2px rgba(15,23,42,.06)}
.kpi span{color:#64748b}
.kpi b{font-size:26px}
.kpi em{font-style:normal;font-size:13px;font-weight:700}
.up{color:#059669}.down{color:#dc2626}
.panels{display:grid;grid-template-columns:2fr 1fr;gap:16px}
.panel{background:#fff;border-radius:12px;padding:18px 20px;margin-bottom:16px;box-shadow:0 1px 2px rgba(15,23,42,.06)}
.panel h2{font-size:16px;margin:0 0 14px}
.panel-head{display:flex;justify-content:space-between;align-items:baseline}
.more{color:#0f766e;font-weight:700;text-decoration:none;padding:4px 8px;border-radius:6px}
.more:hover{background:#ccfbf1}
.more:active{background:#99f6e4}
.chart{display:flex;align-items:flex-end;gap:10px;height:210px}
.bar-col{flex:1;display:flex;flex-direction:column;align-items:center;gap:6px;font-size:11px;color:#64748b}
.bar{width:100%;border-radius:6px 6px 0 0;background:#5eead4}
.bar-col:hover .bar{background:#0d9488}
.channel{display:grid;grid-template-columns:1fr auto;gap:4px;margin-bottom:14px}
.track{grid-column:1/-1;height:8px;border-radius:4px;background:#e2e8f0}
.track div{height:100%;border-radius:4px;background:#14b8a6}
.grid-table{width:100%;border-collapse:collapse}
.grid-table th{text-align:left;font-weight:400;color:#64748b;font-size:12px;padding:8px 10px;border-bottom:1px solid #e2e8f0}
.grid-table td{padding:11px 10px;border-bottom:1px solid #f1f5f9}
.grid-table tbody tr:hover{background:#f0fdfa}
.num{text-align:right}
.mono{font-family:"Liberation Mono",monospace;color:#475569}
.status{padding:3px 10px;border-radius:10px;font-size:12px;font-weight:700}
.s-paid{background:#dcfce7;color:#166534}.s-shipped{background:#dbeafe;color:#1e40af}.s-pending{background:#fef3c7;color:#92400e}.s-refunded{background:#fee2e2;color:#991b1b}
.toolbar{display:flex;gap:8px;align-items:center;margin-bottom:16px;flex-wrap:wrap}
.search{flex:1;min-width:160px;padding:9px 12px;background:#fff;border:1px solid #cbd5e1;border-radius:8px;color:#94a3b8}
.filter{padding:8px 14px;border:1px solid #cbd5e1;border-radius:20px;background:#fff;color:#334155}
.filter:hover{border-color:#14b8a6;color:#0f766e}
.filter:active{background:#ccfbf1}
.filter.on{background:#0f766e;border-color:#0f766e;color:#fff}
.export{padding:8px 14px;border:0;border-radius:8px;background:#0f172a;color:#fff}
.export:hover{background:#334155}
.pages{display:flex;justify-content:space-between;align-items:center;margin-top:14px;color:#64748b}
.cust-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
.cust{display:flex;flex-direction:column;align-items:center;gap:6px;padding:22px;background:#fff;border-radius:12px;text-decoration:none;text-align:center;border:2px solid transparent;box-shadow:0 1px 2px rgba(15,23,42,.06)}
.cust:hover{border-color:#14b8a6}
.cust:active{background:#f0fdfa}
.ini{display:grid;place-items:center;width:56px;height:56px;border-radius:50%;color:#fff;font-weight:700;font-size:18px}
.cust span{color:#64748b;font-size:13px}
.cust .since{font-size:12px;color:#94a3b8}
@media (max-width:800px){
  .app{grid-template-columns:64px 1fr}.brand{font-size:0;margin:0 0 20px}.side nav a{font-size:0;justify-content:center}.side nav a i{font-size:16px}.side-foot{display:none}
  .main{padding:14px}.range{display:none}.kpis{grid-template-columns:repeat(2,1fr)}.panels{grid-template-columns:1fr}
  .grid-table th:nth-child(3),.grid-table td:nth-child(3){display:none}
}
`;

// Filters and date ranges are picked in place: a small change, not a new screen.
const script = `
for (const group of ['.range .chip', '.filter']) {
  const buttons = [...document.querySelectorAll(group)];
  buttons.forEach((b) => b.addEventListener('click', () => buttons.forEach((o) => o.classList.toggle('on', o === b))));
}`;

export const dashboard: Site = {
  name: 'dashboard',
  css,
  script,
  pages: {
    overview: { title: 'Overview — Metricly', body: overview },
    orders: { title: 'Orders — Metricly', body: orders },
    customers: { title: 'Customers — Metricly', body: customers },
  },
};
