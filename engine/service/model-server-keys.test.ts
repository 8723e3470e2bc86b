// A model server's key is held per server, however its address is written, until forgotten; and
// text the engine passes on never carries one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { HIDDEN_KEY, ModelServerKeys } from './model-server-keys.ts';

test('a key is held for its server (trailing slashes aside) until it is forgotten; other servers get none', () => {
  const keys = new ModelServerKeys();
  keys.set('http://gpu-box:8000/v1/', 'sk-one');
  keys.set('https://api.example.com/v1', 'sk-two');
  assert.equal(keys.get('http://gpu-box:8000/v1'), 'sk-one');
  assert.equal(keys.get(' http://gpu-box:8000/v1// '), 'sk-one');
  assert.equal(keys.get('http://gpu-box:8001/v1'), undefined);
  keys.set('http://gpu-box:8000/v1', 'sk-three');
  assert.equal(keys.get('http://gpu-box:8000/v1/'), 'sk-three', 'a new key replaces the old');
  keys.set('http://gpu-box:8000/v1', null);
  assert.equal(keys.get('http://gpu-box:8000/v1'), undefined);
  assert.equal(keys.get('https://api.example.com/v1'), 'sk-two', 'forgetting one server leaves the others');
});

test('every key held is cut out of text the engine passes on', () => {
  const keys = new ModelServerKeys();
  assert.equal(keys.hide('nothing held'), 'nothing held');
  keys.set('http://a/v1', 'sk-secret-a');
  keys.set('http://b/v1', 'sk-secret-b');
  assert.equal(keys.hide('401: Incorrect API key provided: sk-secret-a (and sk-secret-b, sk-secret-a)'), `401: Incorrect API key provided: ${HIDDEN_KEY} (and ${HIDDEN_KEY}, ${HIDDEN_KEY})`);
  keys.set('http://a/v1', null);
  assert.equal(keys.hide('sk-secret-a'), 'sk-secret-a', 'a forgotten key is no longer known to the engine');
});
