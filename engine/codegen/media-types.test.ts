import test from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeOf, extensionOf, mediaTypeOf } from './media-types.ts';

test('a file is typed by its extension, in any case; text is served as UTF-8 and the unknown as bytes', () => {
  assert.equal(mediaTypeOf('assets/Photo.JPEG'), 'image/jpeg');
  assert.equal(mediaTypeOf('notes.txt'), undefined);
  assert.equal(contentTypeOf('index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('fonts/arimo.woff2'), 'font/woff2');
  assert.equal(contentTypeOf('model.bin'), 'application/octet-stream');
});

test('a type is written with its first extension', () => {
  assert.equal(extensionOf('image/jpeg'), '.jpg');
  assert.equal(extensionOf('image/svg+xml'), '.svg');
  assert.equal(extensionOf('application/x-unknown'), undefined);
});
