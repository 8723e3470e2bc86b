// onnxruntime's telemetry is off wherever Loupe makes a session: a real session runs in a child
// process whose home folder is fresh, and nothing appears there. The session is made in a worker
// thread, as the engine and the text detector make theirs, since a worker's copy of the
// environment would not reach onnxruntime. The same session made with onnxruntime-node alone
// leaves its telemetry database in the same place, so the check can tell.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'loupe-ort-offline-'));
after(() => rm(dir, { recursive: true, force: true }));

const here = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);

/** A one-node model, and the Relu it computes on [-1, 2], printed. */
const reluSession = `
  import { buildModel, node } from ${here('../onnx-graph.ts')};
  const relu = buildModel({ nodes: [node('Relu', ['a'], ['b'])], inputs: [{ name: 'a', type: 'float32', dims: [2] }], outputs: [{ name: 'b', type: 'float32', dims: [2] }] });
`;

/**
 * onnxruntime turns its telemetry off by itself where one of these says a CI service runs it (the
 * names are in its library), so they are taken away too, or on a CI machine both tests would pass
 * whatever Loupe does and the control would fail.
 */
const CI_MARKERS = ['CI', 'APPVEYOR', 'BUILDKITE', 'CIRCLECI', 'CODEBUILD_BUILD_ID', 'GITHUB_ACTIONS', 'GITLAB_CI', 'JENKINS_URL', 'TEAMCITY_VERSION', 'TF_BUILD', 'TRAVIS'];

/** Runs a module in a child process whose home (and cache) folder is `home`; returns what it printed. */
async function runAtHome(home: string, module: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, XDG_CACHE_HOME: join(home, '.cache') };
  for (const name of ['ORT_DISABLE_TELEMETRY', ...CI_MARKERS]) delete env[name];
  const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), module], { env, cwd: dir });
  return stdout.trim();
}

const filesUnder = async (folder: string) => (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);

test('a session Loupe makes in a worker writes no telemetry', async () => {
  const worker = join(dir, 'worker.mts');
  await writeFile(
    worker,
    `import { parentPort } from 'node:worker_threads';
     import { OrtSession, tensor } from ${here('./ort-session.ts')};
     ${reluSession}
     const session = new OrtSession(relu, { device: 'cpu', threads: 1 }, 'a relu');
     parentPort.postMessage([...session.run({ a: tensor(new Float32Array([-1, 2]), [2]) }).b.data]);
     session.release();`,
  );
  const main = join(dir, 'main.mts');
  await writeFile(
    main,
    `import { startTsWorker } from ${here('../../threads/ts-worker.ts')};
     startTsWorker(new URL(${JSON.stringify(pathToFileURL(worker).href)})).on('message', (b) => console.log(JSON.stringify(b)));`,
  );
  const home = await mkdtemp(join(dir, 'home-'));
  assert.equal(await runAtHome(home, main), '[0,2]');
  assert.deepEqual(await filesUnder(home), []);
});

test('the check sees the telemetry of a session made with onnxruntime-node alone', async () => {
  const plain = join(dir, 'plain.mts');
  await writeFile(
    plain,
    `import ort from ${JSON.stringify(import.meta.resolve('onnxruntime-node'))};
     ${reluSession}
     const session = await ort.InferenceSession.create(relu);
     console.log(JSON.stringify([...(await session.run({ a: new ort.Tensor('float32', new Float32Array([-1, 2]), [2]) })).b.data]));`,
  );
  const home = await mkdtemp(join(dir, 'home-'));
  assert.equal(await runAtHome(home, plain), '[0,2]');
  assert.ok((await filesUnder(home)).includes('onnxruntime.db'), 'onnxruntime wrote its telemetry database under the home folder');
});
