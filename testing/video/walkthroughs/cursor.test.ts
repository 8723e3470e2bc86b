import test from 'node:test';
import assert from 'node:assert/strict';
import { cursorSprite, drawCursor } from './cursor.ts';

const WIDTH = 80;
const HEIGHT = 60;
const grey = () => Buffer.alloc(WIDTH * HEIGHT * 4, 128);
const pixel = (frame: Buffer, x: number, y: number) => [...frame.subarray((y * WIDTH + x) * 4, (y * WIDTH + x) * 4 + 4)];

test('the pointer is drawn with its tip at the point: outlined white, the rest of the frame untouched', async () => {
  const sprite = await cursorSprite(800);
  const frame = grey();
  const drawn = drawCursor(frame, WIDTH, sprite, { x: 20, y: 10 });
  assert.deepEqual(frame, grey(), 'the frame passed in is left as it was');
  const changed = (x: number, y: number) => pixel(drawn, x, y).some((v, c) => c < 3 && v !== 128);
  assert.ok(changed(20, 10) || changed(21, 11), 'the tip is drawn');
  assert.ok(!changed(18, 8) && !changed(20, 7) && !changed(10, 10), 'nothing above or left of the tip, but for the outline\'s antialiasing');
  // Down the arrow's body: white inside, near-black at its left edge.
  assert.ok(pixel(drawn, 23, 18)[0] > 200, 'white body');
  assert.ok(Math.min(...Array.from({ length: 3 }, (_, i) => pixel(drawn, 19 + i, 16)[0])) < 80, 'dark outline');
  assert.ok(!changed(20 + sprite.width, 10) && !changed(20, 10 + sprite.height), 'nothing beyond the sprite');
});

test('a pointer at the edge of the frame is clipped, not wrapped', async () => {
  const sprite = await cursorSprite(400);
  const drawn = drawCursor(grey(), WIDTH, sprite, { x: WIDTH - 2, y: HEIGHT - 2 });
  for (let y = 0; y < HEIGHT - 3; y++) for (let x = 0; x < WIDTH; x++) assert.deepEqual(pixel(drawn, x, y), [128, 128, 128, 128], `(${x}, ${y})`);
  assert.notDeepEqual(pixel(drawn, WIDTH - 1, HEIGHT - 1).slice(0, 3), [128, 128, 128]);
});
