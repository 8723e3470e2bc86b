import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { RenderPool } from '../render/pool.ts';
import { generate } from '../codegen/index.ts';
import { perceive, closePerception } from './index.ts';
import { allNodes } from '../../testing/perceive/support.ts';

const pool = new RenderPool(1);
test.after(async () => {
  await pool.close();
  await closePerception();
});

const FORM = `<body style="margin:0;background:#ffffff">
  <div style="position:absolute;left:40px;top:30px;font:bold 24px Arial;color:#222222">Contact us</div>
  <input style="position:absolute;left:40px;top:80px;width:320px;height:40px;border:1px solid #cccccc;border-radius:4px;padding:0 12px;font:16px Arial" placeholder="Your name">
  <input style="position:absolute;left:40px;top:140px;width:320px;height:40px;border:1px solid #cccccc;border-radius:4px;padding:0 12px;font:16px Arial" placeholder="Email address">
  <textarea style="position:absolute;left:40px;top:200px;width:320px;height:100px;border:1px solid #cccccc;border-radius:4px;padding:10px 12px;font:16px Arial" placeholder="Your message"></textarea>
  <button style="position:absolute;left:40px;top:320px;width:120px;height:40px;border:0;border-radius:4px;background:#1a73e8;color:#ffffff;font:16px Arial">Send</button>
  <input style="position:absolute;left:500px;top:80px;width:260px;height:36px;border:0;background:#f1f3f4;border-radius:18px;padding:0 16px;font:15px Arial" placeholder="Search products">
  <input style="position:absolute;left:500px;top:160px;width:260px;height:34px;border:1px solid #999999;padding:0 8px;font:14px Arial" placeholder="Search the site">
  <button style="position:absolute;left:770px;top:160px;width:80px;height:34px;border:1px solid #333333;background:#333333;color:#ffffff;font:14px Arial">Search</button>
  <button style="position:absolute;left:500px;top:240px;width:160px;height:40px;border:1px solid #cccccc;border-radius:4px;background:#ffffff;color:#444444;font:16px Arial">Cancel order</button>
  <div style="position:absolute;left:500px;top:320px;width:300px;padding:10px 14px;background:#e8f0fe;color:#1a3d8f;font:14px Arial">Your order ships tomorrow</div>
</body>`;

test('form fields on a screenshot become inputs with their placeholders; buttons and notes stay what they are', async () => {
  const shot = await pool.screenshot(FORM, { width: 900, height: 400 });
  const { data, info } = await sharp(shot.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { design } = await perceive({ name: 'form.png', width: info.width, height: info.height, rgba: data });
  const roles = allNodes(design.root).filter((n) => n.type === 'frame' && (n.role === 'input' || n.role === 'button'));
  assert.equal(roles.filter((n) => n.role === 'input').length, 5, 'five fields');
  assert.equal(roles.filter((n) => n.role === 'button').length, 3, 'three buttons');

  const html = (await generate(design, 'html-css')).files.find((f) => f.path === 'index.html')!.contents as string;
  const placeholders = [...html.matchAll(/<(input|textarea)\b[^>]*placeholder="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(placeholders.sort(), ['input Email address', 'input Search products', 'input Search the site', 'input Your name', 'textarea Your message']);
  for (const label of ['Send', 'Search', 'Cancel order']) assert.match(html, new RegExp(`<button[^>]*>\\s*<span[^>]*>\\s*${label}\\s*</span>`), label);
  assert.match(html, /Your order ships tomorrow/);
  assert.doesNotMatch(html, /placeholder="Your order/);
});
