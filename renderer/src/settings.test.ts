import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSettings, saveSettings } from './settings.ts';

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

test('settings round-trip through storage', () => {
  const storage = memory();
  assert.deepEqual(loadSettings(storage), { stack: 'html-css', mode: 'fast', view: 'side', viewport: 'design', theme: 'system' });
  saveSettings(storage, { stack: 'react-tailwind', mode: 'think', view: 'diff', viewport: 'phone', theme: 'dark' });
  assert.deepEqual(loadSettings(storage), { stack: 'react-tailwind', mode: 'think', view: 'diff', viewport: 'phone', theme: 'dark' });
});

test('broken or outdated stored settings fall back field by field', () => {
  const storage = memory();
  storage.setItem('loupe.settings', '{"stack":"cobol","mode":"think","theme":7');
  assert.deepEqual(loadSettings(storage), { stack: 'html-css', mode: 'fast', view: 'side', viewport: 'design', theme: 'system' });
  storage.setItem('loupe.settings', '{"stack":"cobol","mode":"think"}');
  assert.deepEqual(loadSettings(storage), { stack: 'html-css', mode: 'think', view: 'side', viewport: 'design', theme: 'system' });
});
