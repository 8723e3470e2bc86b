import test from 'node:test';
import assert from 'node:assert/strict';
import { conversionChoice, loadSettings, saveSettings, type Settings } from './settings.ts';

const defaults: Settings = { stack: 'html-css', mode: 'fast', backend: 'perception', modelDir: '', view: 'side', viewport: 'design', theme: 'system' };

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

test('settings round-trip through storage', () => {
  const storage = memory();
  assert.deepEqual(loadSettings(storage), defaults);
  const chosen: Settings = { stack: 'react-tailwind', mode: 'think', backend: 'local', modelDir: '/models/kimi', view: 'diff', viewport: 'phone', theme: 'dark' };
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
