import test from 'node:test';
import assert from 'node:assert/strict';
import { conversionChoice, loadSettings, saveSettings, type Settings } from './settings.ts';

const defaults: Settings = {
  stack: 'html-css',
  mode: 'fast',
  backend: 'perception',
  modelDir: '',
  serverUrl: '',
  serverModel: '',
  strategy: 'swarm',
  thinking: 'default',
  concurrency: 4,
  view: 'side',
  viewport: 'design',
  theme: 'system',
};

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

test('settings round-trip through storage', () => {
  const storage = memory();
  assert.deepEqual(loadSettings(storage), defaults);
  const chosen: Settings = {
    stack: 'react-tailwind',
    mode: 'think',
    backend: 'local',
    modelDir: '/models/kimi',
    serverUrl: 'http://gpu-box:8000/v1',
    serverModel: 'kimi-k2.5',
    strategy: 'refine',
    thinking: 'off',
    concurrency: 16,
    view: 'diff',
    viewport: 'phone',
    theme: 'dark',
  };
  saveSettings(storage, chosen);
  assert.deepEqual(loadSettings(storage), chosen);
});

test('broken or outdated stored settings fall back field by field', () => {
  const storage = memory();
  storage.setItem('loupe.settings', '{"stack":"cobol","mode":"think","theme":7');
  assert.deepEqual(loadSettings(storage), defaults);
  storage.setItem('loupe.settings', '{"stack":"cobol","mode":"think","backend":"cloud","modelDir":3}');
  assert.deepEqual(loadSettings(storage), { ...defaults, mode: 'think' });
});

test('the local backend converts in html-css and fast mode, whatever the toolbar kept for perception, and only with a folder', () => {
  const settings: Settings = { ...defaults, stack: 'react-tailwind', mode: 'think', backend: 'local', modelDir: '  /models/kimi ' };
  assert.deepEqual(conversionChoice(settings), { stack: 'html-css', mode: 'fast', backend: { kind: 'local', modelDir: '/models/kimi' } });
  assert.deepEqual(conversionChoice({ ...settings, backend: 'perception' }), { stack: 'react-tailwind', mode: 'think', backend: { kind: 'perception' } });
  assert.match((conversionChoice({ ...settings, modelDir: ' ' }) as { missing: string }).missing, /model's folder/);
});

test('a model server converts in html-css, in fast or think mode, with the server, model and how it is asked; never with a key', () => {
  const settings: Settings = { ...defaults, stack: 'react-tailwind', mode: 'think', backend: 'openai', serverUrl: ' http://gpu-box:8000/v1/ ', serverModel: ' kimi-k2.5 ', concurrency: 8 };
  assert.deepEqual(conversionChoice(settings), {
    stack: 'html-css',
    mode: 'think',
    backend: { kind: 'openai', baseUrl: 'http://gpu-box:8000/v1', model: 'kimi-k2.5', strategy: 'swarm', concurrency: 8 },
  });
  assert.deepEqual((conversionChoice({ ...settings, thinking: 'on', strategy: 'direct' }) as { backend: unknown }).backend, {
    kind: 'openai',
    baseUrl: 'http://gpu-box:8000/v1',
    model: 'kimi-k2.5',
    strategy: 'direct',
    concurrency: 8,
    thinking: 'on',
  });
  assert.match((conversionChoice({ ...settings, serverUrl: ' ' }) as { missing: string }).missing, /model server's address/);
  assert.match((conversionChoice({ ...settings, serverModel: '' }) as { missing: string }).missing, /Name the model/);
  assert.match((conversionChoice({ ...settings, serverUrl: 'gpu-box:8000' }) as { missing: string }).missing, /give the server as http:\/\/host:port\/v1/);
});

test("a model server's settings outside what the engine takes fall back, the rest kept", () => {
  const storage = memory();
  storage.setItem('loupe.settings', JSON.stringify({ backend: 'openai', serverUrl: 'http://box/v1', strategy: 'yolo', thinking: 'maybe', concurrency: 500, key: 'sk-never-read' }));
  const loaded = loadSettings(storage);
  assert.deepEqual(loaded, { ...defaults, backend: 'openai', serverUrl: 'http://box/v1' });
  saveSettings(storage, loaded);
  assert.doesNotMatch(storage.getItem('loupe.settings')!, /sk-never-read/, 'settings keep no key');
});
