import test from 'node:test';
import assert from 'node:assert/strict';
import { frameLayout, viewportLabel, viewportWidth } from './viewports.ts';

test('a preset lays the frame out at its width; "design" at the design\'s', () => {
  assert.equal(viewportWidth('design', 1280), 1280);
  assert.equal(viewportWidth('phone', 1280), 390);
  assert.equal(viewportWidth('desktop', 1280), 1440);
  assert.equal(viewportLabel('tablet'), 'Tablet 768');
});

test('a wide frame is scaled down to fit its column, a narrow one is not scaled up; it lines up with the design beside it', () => {
  // The design (1280×2000) shown 600 px wide: 937.5 px tall.
  assert.deepEqual(frameLayout(1280, 600, 937.5), { width: 1280, height: 2000, scale: 600 / 1280 });
  assert.deepEqual(frameLayout(390, 600, 937.5), { width: 390, height: 938, scale: 1 });
  const desktop = frameLayout(1440, 600, 937.5);
  assert.equal(desktop.width * desktop.scale, 600);
  assert.equal(Math.round(desktop.height * desktop.scale), 938);
});
