import test from 'node:test';
import assert from 'node:assert/strict';
import { apiClient, type Transport } from './api-client.ts';

/** A transport that records each call and answers from `answers`, by method. */
function fakeTransport(answers: Record<string, unknown>) {
  const calls: Array<[string, unknown]> = [];
  const transport: Transport = {
    call: async (method, body) => {
      calls.push([method, body]);
      return answers[method];
    },
    events: () => () => {},
  };
  return { transport, calls };
}

test('a call names its method and sends its request; a method that takes nothing is sent an empty object', async () => {
  const { transport, calls } = fakeTransport({ cancel: {}, history: [], export: { dir: '/out', files: ['index.html'] } });
  const api = apiClient(transport);
  assert.deepEqual(await api.cancel({ jobId: 'j1' }), {});
  assert.deepEqual(await api.history(), []);
  assert.deepEqual(await api.export({ versionId: 'v1', dir: '/out', format: 'files' }), { dir: '/out', files: ['index.html'] });
  assert.deepEqual(calls, [
    ['cancel', { jobId: 'j1' }],
    ['history', {}],
    ['export', { versionId: 'v1', dir: '/out', format: 'files' }],
  ]);
});

test("an answer that is not the method's response is refused", async () => {
  const { transport } = fakeTransport({ convert: { job: 'j1' }, history: {}, figmaBridge: { code: '123456' } });
  const api = apiClient(transport);
  await assert.rejects(api.convert({ name: 'a.png', data: 'AAAA', stack: 'html-css' }), /jobId/);
  await assert.rejects(api.history(), /array/);
  await assert.rejects(api.figmaBridge(), /expiresAt/);
});

test('job events in a shape the contract does not know are dropped', () => {
  let deliver: (event: unknown) => void = () => {};
  const api = apiClient({ call: async () => ({}), events: (listener) => ((deliver = listener), () => {}) });
  const seen: unknown[] = [];
  api.subscribe((event) => seen.push(event));
  deliver({ type: 'queued', jobId: 'j1', name: 'a.png', position: 0 });
  deliver({ type: 'engine-restarted', code: 1 });
  assert.deepEqual(seen, [{ type: 'queued', jobId: 'j1', name: 'a.png', position: 0 }]);
});
