import test from 'node:test';
import assert from 'node:assert/strict';
import { keyLine, serverLine } from './model-server-lines.ts';

test('a check says the models the server serves, warns when the one named is not among them, and says why a server cannot be used', () => {
  assert.deepEqual(serverLine({ kind: 'reachable', models: ['kimi-k2.5'] }, 'kimi-k2.5'), { text: 'Serves 1 model: kimi-k2.5.', tone: 'ok' });
  assert.deepEqual(serverLine({ kind: 'reachable', models: ['a', 'b'] }, ''), { text: 'Serves 2 models: a, b.', tone: 'ok' });
  assert.deepEqual(serverLine({ kind: 'reachable', models: ['a', 'b'] }, ' c '), { text: 'Serves 2 models: a, b. c is not one of them.', tone: 'warn' });
  assert.equal(serverLine({ kind: 'reachable', models: ['1', '2', '3', '4', '5', '6', '7'] }, '1').text, 'Serves 7 models: 1, 2, 3, 4, 5, and 2 more.');
  assert.equal(serverLine({ kind: 'reachable', models: [] }, 'x').tone, 'warn');
  assert.deepEqual(serverLine({ kind: 'refused', code: 'AUTH_REJECTED', message: 'The server refused the key.' }, 'x'), { text: 'The server refused the key.', tone: 'bad' });
});

test('the key says where it is kept: saved encrypted, held in memory (and why, in the desktop app), or not given', () => {
  assert.equal(keyLine('saved', true), 'Key saved, encrypted.');
  assert.match(keyLine('memory', false), /until this page is closed or reloaded/);
  assert.match(keyLine('memory', true), /cannot encrypt it/);
  assert.match(keyLine('none', false), /^No key/);
});
