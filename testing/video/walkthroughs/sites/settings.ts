// An account-settings app in a dark theme: vertical tabs swap the whole panel in place (each
// tab is a screen of its own, though the URL stays), switches flip in place (not a new
// screen), and a top-bar link goes to a separate team page. DejaVu Sans.
import type { Site } from './site.ts';

const TABS = [
  ['profile', 'Profile'],
  ['notifications', 'Notifications'],
  ['security', 'Security'],
  ['billing', 'Billing'],
] as const;

const topbar = (active: 'account' | 'team') => `
<header class="bar">
  <span class="brand"><i></i>Console</span>
  <nav>
    <a href="account.html" class="${active === 'account' ? 'on' : ''}">Account</a>
    <a href="team.html" class="${active === 'team' ? 'on' : ''}">Team</a>
    <a href="#">Usage</a>
    <a href="#">API keys</a>
  </nav>
  <span class="avatar">JL</span>
</header>`;

const field = (label: string, value: string, hint = '') =>
  `<label class="field"><span>${label}</span><input value="${value}" readonly>${hint ? `<small>${hint}</small>` : ''}</label>`;

const toggle = (id: string, title: string, text: string, on: boolean) =>
  `<div class="row"><div><b>${title}</b><p>${text}</p></div><button class="switch${on ? ' on' : ''}" id="${id}" role="switch" aria-checked="${on}" aria-label="${title}"><span></span></button></div>`;

const PANELS: Record<(typeof TABS)[number][0], string> = {
  profile: `
    <h1>Profile</h1><p class="lead">How other people on your team see you.</p>
    <div class="card profile-head"><span class="big-avatar">JL</span><div><b>Jordan Lee</b><p>jordan@northwind.dev · Admin</p></div><button class="ghost">Change photo</button></div>
    <div class="card form">
      ${field('Full name', 'Jordan Lee')}
      ${field('Display name', 'jordan')}
      ${field('Email', 'jordan@northwind.dev', 'Used for sign-in and notifications.')}
      ${field('Time zone', '(UTC+01:00) Amsterdam, Berlin')}
      <div class="actions"><button class="ghost">Cancel</button><button class="primary">Save changes</button></div>
    </div>`,
  notifications: `
    <h1>Notifications</h1><p class="lead">Choose what reaches your inbox and what stays in the app.</p>
    <div class="card list">
      ${toggle('n-deploys', 'Deploy results', 'When a deploy you started finishes or fails.', true)}
      ${toggle('n-mentions', 'Mentions', 'When someone @mentions you in a comment.', true)}
      ${toggle('n-weekly', 'Weekly digest', 'A summary of usage and spend every Monday.', false)}
      ${toggle('n-billing', 'Billing alerts', 'When spend passes 80% of your budget.', true)}
      ${toggle('n-product', 'Product news', 'New features, at most once a month.', false)}
    </div>`,
  security: `
    <h1>Security</h1><p class="lead">Keep your account and its keys safe.</p>
    <div class="card list">
      <div class="row"><div><b>Password</b><p>Last changed 94 days ago.</p></div><button class="ghost">Change</button></div>
      <div class="row"><div><b>Two-factor authentication</b><p>Authenticator app on “Pixel 8”.</p></div><span class="pill ok">Enabled</span></div>
      <div class="row"><div><b>Recovery codes</b><p>8 of 10 codes unused.</p></div><button class="ghost">View</button></div>
    </div>
    <h2>Active sessions</h2>
    <table class="table"><thead><tr><th>Device</th><th>Location</th><th>Last active</th><th></th></tr></thead><tbody>
      ${[
        ['Firefox on Linux', 'Amsterdam, NL', 'Now'],
        ['Safari on iPhone', 'Amsterdam, NL', '2 hours ago'],
        ['Chrome on macOS', 'Berlin, DE', '3 days ago'],
      ]
        .map(([d, l, t]) => `<tr><td>${d}</td><td>${l}</td><td>${t}</td><td><button class="link">Sign out</button></td></tr>`)
        .join('')}
    </tbody></table>`,
  billing: `
    <h1>Billing</h1><p class="lead">Your plan, payment method and invoices.</p>
    <div class="plans">
      <div class="card plan"><b>Hobby</b><span class="amount">$0</span><p>1 project, community support</p></div>
      <div class="card plan current"><b>Team</b><span class="amount">$24<small>/seat</small></span><p>Unlimited projects, audit log</p><span class="pill ok">Current plan</span></div>
      <div class="card plan"><b>Enterprise</b><span class="amount">Custom</span><p>SSO, SLA, dedicated support</p></div>
    </div>
    <h2>Invoices</h2>
    <table class="table"><thead><tr><th>Date</th><th>Amount</th><th>Status</th><th></th></tr></thead><tbody>
      ${['Jun 1, 2026', 'May 1, 2026', 'Apr 1, 2026', 'Mar 1, 2026']
        .map((d, i) => `<tr><td>${d}</td><td>$${[192, 192, 168, 168][i]}.00</td><td><span class="pill ok">Paid</span></td><td><button class="link">Download</button></td></tr>`)
        .join('')}
    </tbody></table>`,
};

const account = `${topbar('account')}
<div class="layout">
  <aside class="tabs" role="tablist" aria-orientation="vertical">
    <p class="group">Account settings</p>
    ${TABS.map(([id, label]) => `<button role="tab" class="tab${id === 'profile' ? ' on' : ''}" data-tab="${id}" aria-selected="${id === 'profile'}">${label}</button>`).join('')}
    <p class="group">Organisation</p>
    <a class="tab" href="team.html">Members</a>
  </aside>
  <main class="panel">
    ${TABS.map(([id]) => `<section data-panel="${id}"${id === 'profile' ? '' : ' hidden'}>${PANELS[id]}</section>`).join('')}
  </main>
</div>`;

const MEMBERS = [
  ['Jordan Lee', 'jordan@northwind.dev', 'Admin', '#3b82f6'],
  ['Priya Natarajan', 'priya@northwind.dev', 'Developer', '#a855f7'],
  ['Sam Okafor', 'sam@northwind.dev', 'Developer', '#14b8a6'],
  ['Lena Fischer', 'lena@northwind.dev', 'Billing', '#f59e0b'],
  ['Marco Rossi', 'marco@northwind.dev', 'Viewer', '#ef4444'],
  ['Aiko Tanaka', 'aiko@northwind.dev', 'Developer', '#22c55e'],
];

const team = `${topbar('team')}
<main class="panel wide">
  <div class="head"><div><h1>Team</h1><p class="lead">${MEMBERS.length} members · 2 pending invitations</p></div><button class="primary">Invite member</button></div>
  <table class="table"><thead><tr><th>Name</th><th>Email</th><th>Role</th><th></th></tr></thead><tbody>
    ${MEMBERS.map(([n, e, r, c]) => `<tr><td><span class="dot" style="background:${c}">${n[0]}</span>${n}</td><td>${e}</td><td><span class="pill">${r}</span></td><td><button class="link">Edit</button></td></tr>`).join('')}
  </tbody></table>
  <p class="back"><a href="account.html">← Back to account settings</a></p>
</main>`;

const css = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;background:#0f172a;color:#e2e8f0;font-size:14px;line-height:1.5}
.bar{display:flex;align-items:center;gap:24px;height:56px;padding:0 24px;background:#020617;border-bottom:1px solid #1e293b}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;font-size:16px}
.brand i{width:22px;height:22px;border-radius:6px;background:linear-gradient(135deg,#3b82f6,#8b5cf6)}
.bar nav{display:flex;gap:4px;flex:1}
.bar nav a{padding:6px 12px;border-radius:6px;color:#94a3b8;text-decoration:none}
.bar nav a:hover{background:#1e293b;color:#f8fafc}
.bar nav a:active{background:#334155}
.bar nav a.on{color:#f8fafc;background:#1e293b}
.avatar{width:32px;height:32px;border-radius:50%;background:#334155;display:grid;place-items:center;font-size:12px;font-weight:700}
.layout{display:grid;grid-template-columns:240px 1fr;min-height:calc(100vh - 56px)}
.tabs{display:flex;flex-direction:column;gap:2px;padding:20px 12px;border-right:1px solid #1e293b;background:#0b1222}
.group{margin:14px 12px 6px;color:#64748b;font-size:11px;text-transform:uppercase;letter-spacing:1.2px}
.tab{display:block;text-align:left;padding:9px 12px;border:0;border-radius:8px;background:none;color:#cbd5e1;text-decoration:none;font-size:14px}
.tab:hover{background:#1e293b;color:#fff}
.tab:active{background:#334155}
.tab.on{background:#1d4ed8;color:#fff}
.panel{padding:28px 40px;max-width:860px}
.panel.wide{max-width:1040px;margin:0 auto}
h1{font-size:24px;margin:0 0 4px;color:#f8fafc}
h2{font-size:16px;margin:28px 0 10px;color:#f8fafc}
.lead{color:#94a3b8;margin:0 0 20px}
.card{background:#111c33;border:1px solid #1e293b;border-radius:12px;padding:20px;margin-bottom:16px}
.profile-head{display:flex;align-items:center;gap:16px}
.profile-head p{margin:2px 0 0;color:#94a3b8}
.profile-head .ghost{margin-left:auto}
.big-avatar{width:56px;height:56px;border-radius:50%;background:linear-gradient(135deg,#3b82f6,#8b5cf6);display:grid;place-items:center;font-size:20px;font-weight:700}
.form{display:grid;grid-template-columns:1fr 1fr;gap:16px 20px}
.field{display:flex;flex-direction:column;gap:6px;color:#94a3b8;font-size:12px}
.field input{padding:9px 12px;border-radius:8px;border:1px solid #334155;background:#0b1222;color:#e2e8f0;font:inherit;font-size:14px}
.field small{color:#64748b}
.actions{grid-column:1/-1;display:flex;justify-content:flex-end;gap:10px}
.primary{padding:9px 16px;border:0;border-radius:8px;background:#3b82f6;color:#fff;font-weight:700}
.primary:hover{background:#60a5fa}
.primary:active{background:#1d4ed8}
.ghost{padding:8px 14px;border:1px solid #334155;border-radius:8px;background:transparent;color:#e2e8f0}
.ghost:hover{background:#1e293b;border-color:#475569}
.ghost:active{background:#334155}
.list{padding:4px 20px}
.row{display:flex;align-items:center;justify-content:space-between;gap:20px;padding:14px 0;border-bottom:1px solid #1e293b}
.row:last-child{border-bottom:0}
.row p{margin:2px 0 0;color:#94a3b8;font-size:13px}
.switch{position:relative;flex:none;width:44px;height:24px;border-radius:12px;border:0;background:#334155;padding:0}
.switch span{position:absolute;top:3px;left:3px;width:18px;height:18px;border-radius:50%;background:#e2e8f0}
.switch.on{background:#22c55e}
.switch.on span{left:23px}
.switch:hover{box-shadow:0 0 0 4px rgba(148,163,184,.25)}
.switch:active span{width:22px}
.pill{display:inline-block;padding:2px 10px;border-radius:10px;background:#1e293b;color:#cbd5e1;font-size:12px}
.pill.ok{background:#14532d;color:#86efac}
.table{width:100%;border-collapse:collapse;background:#111c33;border:1px solid #1e293b;border-radius:12px;overflow:hidden}
.table th{text-align:left;padding:10px 16px;color:#64748b;font-size:12px;font-weight:400;text-transform:uppercase;letter-spacing:1px;border-bottom:1px solid #1e293b}
.table td{padding:12px 16px;border-bottom:1px solid #1e293b}
.table tbody tr:hover{background:#16233f}
.link{border:0;background:none;color:#60a5fa;padding:0}
.link:hover{text-decoration:underline;color:#93c5fd}
.plans{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.plan{display:flex;flex-direction:column;gap:6px}
.plan.current{border-color:#3b82f6}
.amount{font-size:26px;font-weight:700;color:#f8fafc}
.amount small{font-size:13px;color:#94a3b8}
.plan p{margin:0;color:#94a3b8}
.head{display:flex;justify-content:space-between;align-items:center}
.dot{display:inline-grid;place-items:center;width:26px;height:26px;border-radius:50%;margin-right:10px;color:#fff;font-size:12px;font-weight:700}
.back a{color:#60a5fa}
.back a:hover{color:#93c5fd}
@media (max-width:800px){
  .bar{padding:0 12px;gap:10px}.bar nav a{padding:6px 6px}.bar nav a:nth-child(n+3){display:none}
  .layout{grid-template-columns:150px 1fr}.panel{padding:16px}.form{grid-template-columns:1fr}.plans{grid-template-columns:1fr}
  .profile-head .ghost{display:none}.table th:nth-child(2),.table td:nth-child(2){display:none}
}
`;

// The view on <html> is what makes a tab a screen of its own; the page's URL does not change.
const script = `
document.querySelectorAll('[data-tab]').forEach((tab) => tab.addEventListener('click', () => {
  const id = tab.dataset.tab;
  document.querySelectorAll('[data-tab]').forEach((t) => { t.classList.toggle('on', t === tab); t.setAttribute('aria-selected', String(t === tab)); });
  document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = p.dataset.panel !== id; });
  document.documentElement.dataset.view = id;
}));
document.querySelectorAll('.switch').forEach((s) => s.addEventListener('click', () => {
  s.setAttribute('aria-checked', String(s.classList.toggle('on')));
}));`;

export const settings: Site = {
  name: 'settings',
  css,
  script,
  pages: {
    account: { title: 'Account settings — Console', body: account, view: 'profile' },
    team: { title: 'Team — Console', body: team },
  },
};
