// An outdoor-gear shop: home → product list → product page → cart. Warm cream and forest
// green, Liberation Sans, product pictures drawn in SVG so nothing is fetched.
import type { Site } from './site.ts';

interface Product {
  name: string;
  price: string;
  kind: 'tent' | 'pack' | 'pot' | 'lamp';
  tint: string;
  rating: number;
}

const PRODUCTS: Product[] = [
  { name: 'Ridgeline 2P Tent', price: '$329', kind: 'tent', tint: '#d9e4cf', rating: 5 },
  { name: 'Alder 38L Pack', price: '$189', kind: 'pack', tint: '#f1dcc4', rating: 4 },
  { name: 'Ember Cook Set', price: '$64', kind: 'pot', tint: '#e8d5d0', rating: 4 },
  { name: 'Lumen 400 Headlamp', price: '$45', kind: 'lamp', tint: '#dfe3ee', rating: 5 },
  { name: 'Tarn Ultralight Tarp', price: '$119', kind: 'tent', tint: '#e5e8d2', rating: 3 },
  { name: 'Summit 22L Daypack', price: '$99', kind: 'pack', tint: '#d4e2e4', rating: 4 },
  { name: 'Basecamp 4P Dome', price: '$489', kind: 'tent', tint: '#efe2c9', rating: 4 },
  { name: 'Kettle One Pot', price: '$38', kind: 'pot', tint: '#dcd9e9', rating: 5 },
  { name: 'Glow Camp Lantern', price: '$52', kind: 'lamp', tint: '#f2e6c2', rating: 4 },
  { name: 'Drift 55L Trekking Pack', price: '$249', kind: 'pack', tint: '#d6e6d6', rating: 5 },
  { name: 'Bivy Shelter Solo', price: '$159', kind: 'tent', tint: '#e9d8cf', rating: 3 },
  { name: 'Trail Mug Duo', price: '$28', kind: 'pot', tint: '#d8e1ea', rating: 4 },
];

const SHAPES: Record<Product['kind'], string> = {
  tent: '<path d="M10 70 L50 18 L90 70 Z" fill="#2f5d3a"/><path d="M50 18 L42 70 L58 70 Z" fill="#f7f3ea" opacity=".8"/>',
  pack: '<rect x="30" y="22" width="40" height="50" rx="10" fill="#b4532a"/><rect x="38" y="40" width="24" height="18" rx="4" fill="#8c3d1d"/><path d="M40 22 q10 -14 20 0" stroke="#8c3d1d" stroke-width="4" fill="none"/>',
  pot: '<rect x="26" y="36" width="48" height="32" rx="6" fill="#56616e"/><rect x="20" y="32" width="60" height="8" rx="4" fill="#3d4650"/><rect x="76" y="44" width="16" height="5" rx="2" fill="#3d4650"/>',
  lamp: '<circle cx="50" cy="44" r="18" fill="#e0a526"/><circle cx="50" cy="44" r="9" fill="#fff4cc"/><rect x="22" y="40" width="10" height="8" rx="2" fill="#3d4650"/><rect x="68" y="40" width="10" height="8" rx="2" fill="#3d4650"/>',
};

const picture = (p: Product, cls: string) =>
  `<div class="${cls}" style="background:${p.tint}"><svg viewBox="0 0 100 80" aria-hidden="true">${SHAPES[p.kind]}</svg></div>`;

const stars = (n: number) => `<span class="stars" aria-label="${n} out of 5">${'★'.repeat(n)}${'☆'.repeat(5 - n)}</span>`;

const card = (p: Product) =>
  `<a class="card" href="product.html">${picture(p, 'thumb')}<span class="card-name">${p.name}</span><span class="card-meta">${stars(p.rating)}<b>${p.price}</b></span></a>`;

const header = (active: string) => `
<header class="top">
  <a class="logo" href="index.html">Fernwood<span>Supply</span></a>
  <nav class="main-nav">
    ${['Shop', 'Journal', 'Stores', 'About'].map((l) => `<a href="${l === 'Shop' ? 'products.html' : '#'}" class="${l === active ? 'on' : ''}">${l}</a>`).join('')}
  </nav>
  <a class="cart-link" href="cart.html">Cart <span class="badge">2</span></a>
</header>`;

const footer = `
<footer class="foot">
  <div><b>Fernwood Supply</b><p>Gear for long weekends and longer trails. Repaired, not replaced.</p></div>
  <div><b>Help</b><a href="#">Shipping</a><a href="#">Returns</a><a href="#">Warranty</a></div>
  <div><b>Company</b><a href="#">Our story</a><a href="#">Stores</a><a href="#">Careers</a></div>
</footer>`;

const css = `
body{font-family:"Liberation Sans",Arial,sans-serif;background:#f7f3ea;color:#23301f;font-size:15px;line-height:1.45}
.top{display:flex;align-items:center;gap:28px;padding:16px 40px;background:#fff;border-bottom:1px solid #e4dccb}
.logo{font-weight:700;font-size:22px;text-decoration:none;color:#2f5d3a;letter-spacing:-.5px}
.logo span{font-weight:400;color:#b4532a;margin-left:4px}
.main-nav{display:flex;gap:6px;flex:1}
.main-nav a{padding:8px 12px;border-radius:6px;text-decoration:none;color:#4a5645}
.main-nav a:hover{background:#eef2e8;color:#2f5d3a}
.main-nav a:active{background:#dbe6d0}
.main-nav a.on{color:#2f5d3a;font-weight:700}
.cart-link{padding:8px 14px;border:1px solid #2f5d3a;border-radius:20px;text-decoration:none;color:#2f5d3a;font-weight:700}
.cart-link:hover{background:#2f5d3a;color:#fff}
.cart-link:active{background:#1f4128;color:#fff}
.badge{display:inline-block;min-width:20px;padding:0 6px;border-radius:10px;background:#b4532a;color:#fff;font-size:12px;text-align:center}
.wrap{max-width:1180px;margin:0 auto;padding:0 40px}
.hero{display:grid;grid-template-columns:1.1fr 1fr;gap:32px;align-items:center;margin:32px auto;max-width:1180px;padding:40px;border-radius:18px;background:linear-gradient(120deg,#2f5d3a,#4c7a4f);color:#f7f3ea}
.hero h1{font-size:44px;line-height:1.05;margin:0 0 14px}
.hero p{font-size:17px;margin:0 0 24px;color:#dfe9d8}
.hero .art{height:240px;border-radius:14px;background:linear-gradient(#f2c48d,#e98c5a 55%,#6b4d3a 56%,#3e5a3c)}
.btn{display:inline-block;padding:12px 22px;border-radius:8px;border:0;background:#e9a23b;color:#23301f;font-weight:700;text-decoration:none}
.btn:hover{background:#f3b65a}
.btn:active{background:#c9821f;color:#fff}
.section-title{font-size:24px;margin:40px 0 16px}
.cats{display:grid;grid-template-columns:repeat(4,1fr);gap:16px}
.cat{display:block;padding:22px 18px;border-radius:12px;background:#fff;border:1px solid #e4dccb;text-decoration:none}
.cat b{display:block;font-size:18px;margin-bottom:4px}
.cat span{color:#6c7667;font-size:13px}
.cat:hover{border-color:#2f5d3a;background:#f1f6ec}
.cat:active{background:#dbe6d0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:18px}
.card{display:flex;flex-direction:column;gap:8px;padding:12px;border-radius:12px;background:#fff;border:1px solid #e4dccb;text-decoration:none}
.card:hover{border-color:#b4532a;box-shadow:0 4px 14px rgba(60,40,20,.14)}
.card:active{background:#faf1e6}
.thumb{height:150px;border-radius:8px;display:flex;align-items:center;justify-content:center}
.thumb svg{width:60%;height:80%}
.card-name{font-weight:700}
.card-meta{display:flex;justify-content:space-between;align-items:center}
.stars{color:#d18b1f;letter-spacing:1px;font-size:13px}
.crumbs{margin:24px 0 8px;color:#6c7667;font-size:13px}
.crumbs a{color:#2f5d3a}
.crumbs a:hover{color:#b4532a}
.shop{display:grid;grid-template-columns:220px 1fr;gap:28px;margin-bottom:40px}
.filters h3{font-size:14px;text-transform:uppercase;letter-spacing:1px;color:#6c7667;margin:18px 0 8px}
.filters label{display:flex;gap:8px;align-items:center;padding:5px 8px;border-radius:6px}
.filters label:hover{background:#eef2e8}
.filters input{accent-color:#2f5d3a}
.list-head{display:flex;justify-content:space-between;align-items:baseline}
.list-head h1{font-size:30px;margin:0 0 16px}
.pager{display:flex;gap:8px;justify-content:center;margin:28px 0}
.pager a{padding:8px 14px;border-radius:6px;background:#fff;border:1px solid #e4dccb;text-decoration:none}
.pager a:hover{background:#2f5d3a;color:#fff}
.pdp{display:grid;grid-template-columns:1.2fr 1fr;gap:40px;margin:8px 0 32px}
.big{height:380px;border-radius:14px;display:flex;align-items:center;justify-content:center}
.big svg{width:60%;height:70%}
.thumbs{display:flex;gap:10px;margin-top:10px}
.thumbs div{width:72px;height:56px;border-radius:8px;border:2px solid transparent}
.thumbs div:hover{border-color:#2f5d3a}
.pdp h1{font-size:34px;margin:0 0 6px}
.price{font-size:26px;font-weight:700;color:#b4532a;margin:12px 0}
.sizes{display:flex;gap:8px;margin:12px 0 20px}
.size{padding:8px 16px;border:1px solid #c9bfa9;border-radius:8px;background:#fff}
.size:hover{border-color:#2f5d3a}
.size:active{background:#dbe6d0}
.size.on{background:#2f5d3a;border-color:#2f5d3a;color:#fff}
.add{display:block;width:100%;padding:14px;border:0;border-radius:10px;background:#2f5d3a;color:#fff;font-size:17px;font-weight:700;text-align:center;text-decoration:none}
.add:hover{background:#3d7449}
.add:active{background:#1f4128}
.perks{display:grid;gap:8px;margin:20px 0;padding:16px;border-radius:10px;background:#fff;border:1px solid #e4dccb;font-size:14px}
.specs{width:100%;border-collapse:collapse;background:#fff;border-radius:10px;overflow:hidden}
.specs td{padding:10px 14px;border-bottom:1px solid #eee6d6}
.specs td:first-child{color:#6c7667;width:40%}
.review{padding:16px 0;border-bottom:1px solid #e4dccb}
.review b{display:block}
.cart{display:grid;grid-template-columns:1fr 340px;gap:28px;margin:24px 0 40px}
.line{display:grid;grid-template-columns:96px 1fr auto;gap:16px;align-items:center;padding:14px;background:#fff;border:1px solid #e4dccb;border-radius:12px;margin-bottom:12px}
.line .thumb{height:72px}
.qty{display:flex;gap:6px;align-items:center}
.qty button{width:30px;height:30px;border-radius:6px;border:1px solid #c9bfa9;background:#fff}
.qty button:hover{background:#eef2e8}
.summary{padding:20px;background:#fff;border:1px solid #e4dccb;border-radius:12px;align-self:start}
.summary div{display:flex;justify-content:space-between;padding:6px 0}
.summary .total{border-top:1px solid #e4dccb;margin-top:8px;padding-top:12px;font-weight:700;font-size:18px}
.foot{display:grid;grid-template-columns:2fr 1fr 1fr;gap:24px;padding:32px 40px;background:#23301f;color:#cfd8c8;font-size:14px}
.foot a{display:block;color:#cfd8c8;text-decoration:none;padding:2px 0}
.foot a:hover{color:#fff;text-decoration:underline}
@media (max-width:800px){
  .top{padding:10px 16px;gap:12px}.main-nav a{padding:6px 6px}.wrap{padding:0 16px}
  .hero{grid-template-columns:1fr;margin:16px;padding:24px}.hero h1{font-size:30px}.hero .art{display:none}
  .cats{grid-template-columns:repeat(2,1fr)}.shop{grid-template-columns:1fr}.filters{display:none}
  .pdp,.cart{grid-template-columns:1fr}.big{height:220px}.foot{grid-template-columns:1fr}
}
`;

const home = `${header('')}
<section class="hero">
  <div>
    <h1>Sleep under the stars this weekend</h1>
    <p>Light tents, honest packs and stoves that light first time. Free repairs for life.</p>
    <a class="btn" href="products.html">Shop tents</a>
  </div>
  <div class="art" aria-hidden="true"></div>
</section>
<main class="wrap">
  <h2 class="section-title">Shop by category</h2>
  <div class="cats">
    <a class="cat" href="products.html"><b>Tents</b><span>24 shelters, 1–6 people</span></a>
    <a class="cat" href="products.html"><b>Packs</b><span>Day packs to 70 L</span></a>
    <a class="cat" href="products.html"><b>Cookware</b><span>Pots, stoves, mugs</span></a>
    <a class="cat" href="products.html"><b>Lighting</b><span>Headlamps and lanterns</span></a>
  </div>
  <h2 class="section-title">Staff picks</h2>
  <div class="grid">${PRODUCTS.slice(0, 4).map(card).join('')}</div>
  <h2 class="section-title">From the journal</h2>
  <div class="cats">
    <a class="cat" href="#"><b>Pitching in the wind</b><span>Six things we learnt on the Cairngorm plateau</span></a>
    <a class="cat" href="#"><b>The 10-item kitchen</b><span>Everything you need, nothing you carry twice</span></a>
    <a class="cat" href="#"><b>Fixing a broken pole</b><span>A field repair in under five minutes</span></a>
    <a class="cat" href="#"><b>Night hikes</b><span>Choosing a headlamp you will actually wear</span></a>
  </div>
</main>
<div style="height:40px"></div>
${footer}`;

const filterGroup = (title: string, items: string[]) =>
  `<h3>${title}</h3>${items.map((i) => `<label><input type="checkbox"> ${i}</label>`).join('')}`;

const products = `${header('Shop')}
<main class="wrap">
  <div class="crumbs"><a href="index.html">Home</a> / Shop / All gear</div>
  <div class="shop">
    <aside class="filters">
      ${filterGroup('Category', ['Tents', 'Packs', 'Cookware', 'Lighting'])}
      ${filterGroup('Capacity', ['Solo', '2 people', '3–4 people', 'Family'])}
      ${filterGroup('Price', ['Under $50', '$50–$150', '$150–$300', 'Over $300'])}
    </aside>
    <section>
      <div class="list-head"><h1>All gear</h1><span>${PRODUCTS.length} products</span></div>
      <div class="grid">${PRODUCTS.map(card).join('')}</div>
      <div class="pager"><a href="#">1</a><a href="#">2</a><a href="#">3</a><a href="#">Next</a></div>
      <h2 class="section-title">Recently viewed</h2>
      <div class="grid recent">${PRODUCTS.slice(0, 2).map(card).join('')}</div>
    </section>
  </div>
</main>
${footer}`;

const tent = PRODUCTS[0];
const product = `${header('Shop')}
<main class="wrap">
  <div class="crumbs"><a href="index.html">Home</a> / <a class="back" href="products.html">All gear</a> / ${tent.name}</div>
  <div class="pdp">
    <div>${picture(tent, 'big')}<div class="thumbs">${['#d9e4cf', '#e5e8d2', '#cfdcd9', '#e9e1cf'].map((c) => `<div style="background:${c}"></div>`).join('')}</div></div>
    <div>
      <h1>${tent.name}</h1>
      ${stars(tent.rating)} <span>128 reviews</span>
      <div class="price">${tent.price}</div>
      <p>A freestanding two-person tent that pitches fly-first in the rain. Two doors, two porches, 1.6 kg on the trail.</p>
      <b>Colour</b>
      <div class="sizes"><button class="size on">Moss</button><button class="size">Clay</button><button class="size">Slate</button></div>
      <a class="add" href="cart.html">Add to cart</a>
      <div class="perks"><span>✓ Free delivery over $75</span><span>✓ 60-day returns</span><span>✓ Lifetime repairs</span></div>
    </div>
  </div>
  <h2 class="section-title">Specifications</h2>
  <table class="specs">${[
    ['Trail weight', '1.6 kg'],
    ['Packed size', '46 × 15 cm'],
    ['Floor area', '2.8 m²'],
    ['Peak height', '102 cm'],
    ['Fly fabric', '20D ripstop nylon, silicone coated'],
    ['Poles', 'DAC NSL aluminium'],
    ['Hydrostatic head', '3000 mm'],
  ]
    .map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`)
    .join('')}</table>
  <h2 class="section-title">Reviews</h2>
  ${[
    ['Maya R.', 'Pitched it alone in a gale on Skye. Not a single pole complaint.'],
    ['Tom B.', 'Two porches make all the difference when it rains for three days.'],
    ['Ines K.', 'Lighter than my old one-person tent and far roomier.'],
    ['Jon P.', 'Zips are smooth, fly tension is easy to adjust at night.'],
  ]
    .map(([who, text]) => `<div class="review"><b>${who}</b>${stars(5)}<p>${text}</p></div>`)
    .join('')}
  <h2 class="section-title">You might also like</h2>
  <div class="grid">${PRODUCTS.slice(4, 8).map(card).join('')}</div>
  <div style="height:40px"></div>
</main>
${footer}`;

const cart = `${header('')}
<main class="wrap">
  <div class="crumbs"><a href="index.html">Home</a> / Cart</div>
  <h1>Your cart</h1>
  <div class="cart">
    <section>${[PRODUCTS[0], PRODUCTS[3]]
      .map(
        (p) =>
          `<div class="line">${picture(p, 'thumb')}<div><b>${p.name}</b><div class="qty"><button>−</button><span>1</span><button>+</button></div></div><b>${p.price}</b></div>`,
      )
      .join('')}
      <a class="crumbs" href="products.html">← Continue shopping</a>
    </section>
    <aside class="summary">
      <div><span>Subtotal</span><span>$374</span></div>
      <div><span>Delivery</span><span>Free</span></div>
      <div class="total"><span>Total</span><span>$374</span></div>
      <a class="add" href="#">Check out</a>
    </aside>
  </div>
</main>
${footer}`;

const script = `
document.querySelectorAll('.size').forEach((b) => b.addEventListener('click', () => {
  document.querySelectorAll('.size').forEach((o) => o.classList.toggle('on', o === b));
}));`;

export const shop: Site = {
  name: 'shop',
  css,
  script,
  pages: {
    index: { title: 'Fernwood Supply — outdoor gear', body: home },
    products: { title: 'All gear — Fernwood Supply', body: products },
    product: { title: `${tent.name} — Fernwood Supply`, body: product },
    cart: { title: 'Cart — Fernwood Supply', body: cart },
  },
};
