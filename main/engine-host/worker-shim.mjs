// Loads a TypeScript worker entry through tsx, for the CLI and headless mode which run from
// source (the Electron build bundles worker.ts into out/electron/engine-worker.cjs instead).
// workerData.tsEntry (a file URL) picks another entry; tests use it for a fake engine.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const entry = workerData && typeof workerData.tsEntry === 'string' ? workerData.tsEntry : new URL('./worker.ts', import.meta.url).href;
await import(entry);
