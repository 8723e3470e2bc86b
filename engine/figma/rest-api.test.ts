// The Figma REST client against a local HTTP server serving a real recorded response.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { isLoupeError, type UserErrorCode } from '../errors.ts';
import { FakeFigmaApi, jsonAnswer, recorded, withImageFills } from '../../testing/figma/fake-api.ts';
import { fetchFigmaFrame, normaliseNodeId, parseFigmaTarget, type FigmaApiOptions } from './rest-api.ts';

const KEY = 'GridaVectorFile42';
const TOKEN = 'figd_test-token-never-shown';
const ids = encodeURIComponent(recorded.node);
const api = await FakeFigmaApi.start();
after(() => api.close());

const options = (more: Partial<FigmaApiOptions> = {}): FigmaApiOptions => ({ token: TOKEN, baseUrl: api.url, ...more });

function reset(): void {
  api.requests.length = 0;
  api.answers.clear();
}

async function refusal(promise: Promise<unknown>, code: UserErrorCode, message: RegExp): Promise<string> {
  const error = await promise.then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(isLoupeError(error), String(error));
  assert.equal(error.code, code, error.message);
  assert.match(error.message, message);
  assert.ok(!error.message.includes(TOKEN), 'the message shows the token');
  return error.message;
}

test('a frame: its JSON with outlines, its 2× render, and no image fills call when it has none', async () => {
  reset();
  api.serveFrame(KEY, recorded);
  const frame = await fetchFigmaFrame(KEY, recorded.node, options());
  assert.equal(frame.nodesJson, recorded.nodesJson);
  assert.deepEqual(Buffer.from(frame.png), recorded.png);
  assert.deepEqual(frame.images, []);
  assert.deepEqual(frame.warnings, []);
  assert.deepEqual(api.paths().sort(), [`/render/${ids}.png`, `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`, `/v1/images/${KEY}?ids=${ids}&format=png&scale=2`].sort());
  for (const r of api.requests) {
    assert.equal(r.token, r.path.startsWith('/v1/') ? TOKEN : undefined, `${r.path}: the token goes to the API only`);
  }
});

test("image fills: only the node's refs are downloaded, named by their bytes' format; a missing one is a warning", async () => {
  reset();
  const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c03' } }).jpeg().toBuffer();
  const nodesJson = withImageFills(recorded.nodesJson, recorded.node, ['usedjpeg', 'usedpng', 'expired', 'unlisted']);
  api.serveFrame(KEY, { ...recorded, nodesJson, fills: { usedjpeg: jpeg, usedpng: recorded.png, expired: jpeg, unused: jpeg } });
  api.answers.set('/fills/expired', { status: 403, body: 'AccessDenied' });
  const frame = await fetchFigmaFrame(KEY, recorded.node, options());
  assert.deepEqual(
    frame.images.map((i) => [i.ref, i.ext, i.bytes.length]),
    [['usedjpeg', 'jpg', jpeg.length], ['usedpng', 'png', recorded.png.length]],
  );
  assert.equal(frame.warnings.length, 2);
  assert.match(frame.warnings.join('\n'), /image fill expired: 127\.0\.0\.1:\d+ answered HTTP 403/);
  assert.match(frame.warnings.join('\n'), /no image for the fill unlisted/);
  assert.ok(api.paths().includes(`/v1/files/${KEY}/images`));
  assert.ok(!api.paths().includes('/fills/unused'), 'a fill the node does not use is not downloaded');
});

test("variables: fetched when the node binds some; a plan that does not serve them leaves a warning, not a failure", async () => {
  const response = JSON.parse(recorded.nodesJson);
  const frame = response.nodes[recorded.node].document;
  frame.fills = [{ type: 'SOLID', blendMode: 'NORMAL', color: { r: 0, g: 0, b: 1, a: 1 }, boundVariables: { color: { type: 'VARIABLE_ALIAS', id: 'VariableID:1:1' } } }];
  const nodesJson = JSON.stringify(response);
  const variables = jsonAnswer({ status: 200, error: false, meta: { variables: { 'VariableID:1:1': { id: 'VariableID:1:1', name: 'Brand', resolvedType: 'COLOR' } }, variableCollections: {} } });

  reset();
  api.serveFrame(KEY, { ...recorded, nodesJson });
  api.answers.set(`/v1/files/${KEY}/variables/local`, variables);
  const served = await fetchFigmaFrame(KEY, recorded.node, options());
  assert.equal(served.variablesJson, variables.body);
  assert.deepEqual(served.warnings, []);
  assert.equal(api.requests.find((r) => r.path.endsWith('/variables/local'))?.token, TOKEN);

  reset();
  api.serveFrame(KEY, { ...recorded, nodesJson });
  api.answers.set(`/v1/files/${KEY}/variables/local`, jsonAnswer({ status: 403, error: true, message: 'Limited by Figma plan' }, 403));
  const refused = await fetchFigmaFrame(KEY, recorded.node, options());
  assert.equal(refused.variablesJson, undefined);
  assert.equal(refused.nodesJson, nodesJson);
  assert.match(refused.warnings.join('\n'), /Enterprise plan.*file_variables:read.*plain colours/);

  reset();
  api.serveFrame(KEY, recorded);
  await fetchFigmaFrame(KEY, recorded.node, options());
  assert.ok(!api.paths().some((p) => p.endsWith('/variables/local')), 'no variables call for a node that binds none');
});

test('file keys, Figma links and node ids', () => {
  assert.deepEqual(parseFigmaTarget('AbC123xyz'), { fileKey: 'AbC123xyz' });
  assert.deepEqual(parseFigmaTarget('https://www.figma.com/design/AbC123xyz/My-File?node-id=1038-24&t=x1'), { fileKey: 'AbC123xyz', nodeId: '1038:24' });
  assert.deepEqual(parseFigmaTarget('figma.com/file/AbC123xyz/My-File'), { fileKey: 'AbC123xyz' });
  assert.deepEqual(parseFigmaTarget('https://www.figma.com/design/AbC123xyz/branch/Br4nch/My-File?node-id=1-2'), { fileKey: 'Br4nch', nodeId: '1:2' });
  assert.equal(normaliseNodeId('I1-2;3-4'), 'I1:2;3:4');
  assert.equal(normaliseNodeId('1:2'), '1:2');
  for (const bad of ['https://example.com/design/AbC/x', 'not a key', 'https://www.figma.com/']) {
    assert.throws(() => parseFigmaTarget(bad), (e: unknown) => isLoupeError(e) && e.code === 'INVALID_ARGUMENT');
  }
  assert.throws(() => normaliseNodeId('frame'), /not a Figma node id/);
});

test('403, 404, an unknown node, 400 and 500 are told apart, without the token even when Figma echoes it', async () => {
  reset();
  api.serveFrame(KEY, recorded);
  const nodes = `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`;
  api.answers.set(nodes, jsonAnswer({ status: 403, err: `Invalid token ${TOKEN}` }, 403));
  const message = await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'AUTH_REJECTED', /refused the token \(HTTP 403: Invalid token …\).*expired.*FIGMA_TOKEN/);
  assert.match(message, /Personal access tokens/);
  api.answers.set(nodes, jsonAnswer({ status: 404, err: 'Not found' }, 404));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'INPUT_NOT_FOUND', new RegExp(`Figma has no file ${KEY}.*HTTP 404`));
  api.answers.set(nodes, jsonAnswer({ name: 'dummy', nodes: { [recorded.node]: null } }));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'INPUT_NOT_FOUND', /has no node 1038:24/);
  api.answers.set(nodes, jsonAnswer({ status: 400, err: 'Invalid parameter: ids' }, 400));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'INVALID_ARGUMENT', /HTTP 400: Invalid parameter: ids/);
  api.answers.set(nodes, { status: 502, body: '<html>Bad gateway</html>' });
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'SERVER_UNAVAILABLE', /API failed \(HTTP 502\)/);
});

test('429: a short Retry-After is waited out once; a long one, or a second 429, is an error saying how long to wait', async () => {
  reset();
  api.serveFrame(KEY, recorded);
  const nodes = `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`;
  const limited = (seconds: string) => ({ ...jsonAnswer({ status: 429, err: 'Rate limit exceeded' }, 429), headers: { 'retry-after': seconds } });
  api.answers.set(nodes, [limited('1'), { body: recorded.nodesJson }]);
  const started = performance.now();
  const frame = await fetchFigmaFrame(KEY, recorded.node, options());
  assert.ok(performance.now() - started >= 950, 'waited for Retry-After');
  assert.equal(frame.nodesJson, recorded.nodesJson);
  assert.equal(api.paths().filter((p) => p === nodes).length, 2);

  reset();
  api.serveFrame(KEY, recorded);
  api.answers.set(nodes, limited('3600'));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'RATE_LIMITED', /rate limit .*HTTP 429.* Wait 60 min and run the command again/);
  assert.equal(api.paths().length, 1, 'a wait past the bound is not waited');

  api.answers.set(nodes, limited('0'));
  api.requests.length = 0;
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'RATE_LIMITED', /Wait 0 s/);
  assert.equal(api.paths().length, 2, 'retried once, not more');
});

test('an unreachable server, a silent one, a non-JSON answer and a missing render URL', async () => {
  reset();
  const closed = await FakeFigmaApi.start();
  await closed.close();
  await refusal(fetchFigmaFrame(KEY, recorded.node, options({ baseUrl: closed.url })), 'SERVER_UNAVAILABLE', /Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

  api.serveFrame(KEY, recorded);
  const nodes = `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`;
  api.answers.set(nodes, { hang: true });
  await refusal(fetchFigmaFrame(KEY, recorded.node, options({ timeoutMs: 300 })), 'SERVER_UNAVAILABLE', /did not answer within 0\.3 s/);

  api.answers.set(nodes, { headers: { 'content-type': 'text/html' }, body: '<!doctype html><p>Sign in</p>' });
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'SERVER_RESPONSE_INVALID', /not JSON \(text\/html\).*LOUPE_FIGMA_API/);

  api.serveFrame(KEY, recorded);
  api.answers.set(`/v1/images/${KEY}?ids=${ids}&format=png&scale=2`, jsonAnswer({ err: null, images: { [recorded.node]: null } }));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'SERVER_RESPONSE_INVALID', /no PNG render of node 1038:24/);
});

test('a redirect is not followed with the token, and cancelling stops the fetch', async () => {
  reset();
  api.serveFrame(KEY, recorded);
  const nodes = `/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`;
  api.answers.set(nodes, { status: 302, headers: { location: '/elsewhere' } });
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'SERVER_RESPONSE_INVALID', /HTTP 302/);
  assert.ok(!api.paths().includes('/elsewhere'));

  api.answers.set(nodes, { hang: true });
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  await refusal(fetchFigmaFrame(KEY, recorded.node, options({ signal: abort.signal })), 'CANCELLED', /Cancelled/);
});

test('a node nested past the limit is refused before its render or any image is fetched', async () => {
  reset();
  let document: unknown = { id: '0:1', name: 'Leaf', type: 'RECTANGLE' };
  for (let i = 0; i < 1_000; i++) document = { id: i === 999 ? recorded.node : `1:${i}`, name: 'Level', type: 'FRAME', children: [document] };
  api.answers.set(`/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`, jsonAnswer({ nodes: { [recorded.node]: { document } } }));
  await refusal(fetchFigmaFrame(KEY, recorded.node, options()), 'INPUT_TOO_LARGE', /Node 1038:24 of GridaVectorFile42 nests layers over 100 deep/);
  assert.deepEqual(api.paths(), [`/v1/files/${KEY}/nodes?ids=${ids}&geometry=paths`]);
});
