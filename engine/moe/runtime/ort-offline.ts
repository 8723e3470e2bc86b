// Loupe works offline, and so must onnxruntime: onnxruntime-node 1.30 otherwise queues usage
// events, with a device id, in ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db for
// upload. Its native library reads ORT_DISABLE_TELEMETRY from the process's environment when it
// creates its own environment (at the first session of the process), so every module that makes
// sessions imports this one. Worker threads share the process's environment
// (threads/ts-worker.ts), so the setting also takes effect when a worker is the first to load it.
process.env.ORT_DISABLE_TELEMETRY = '1';
