// Checkpoints an SQLite file's write-ahead log from a worker thread. better-sqlite3 runs
// synchronously, so a checkpoint that SQLite starts inside a commit (every 1,000 pages by default)
// copies pages and waits for fsync on the thread that serves every request. Here the service's
// own connection checkpoints only as a backstop (at BACKSTOP_PAGES), and a second connection in a
// worker thread runs a PASSIVE checkpoint every `intervalMs`, which never blocks a writer.
import { Worker } from 'node:worker_threads';

/** The service's connection checkpoints only once the log holds this many pages (~80 MB). */
export const BACKSTOP_PAGES = 20000;

// The worker's code, run with eval so that it loads the same way from src (tests) and dist.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts the checkpointing thread for a database file; `onError` hears a checkpoint that failed. */
export function startCheckpointer(file: string, intervalMs: number, onError: (message: string) => void): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') } });
  // The thread must not keep the process alive on its own.
  worker.unref();
  let stopped: Promise<void> | undefined;
  let exited = false;
  worker.once('exit', () => (exited = true));
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(m.error);
  });
  worker.on('error', (err: Error) => onError(err.message));
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void worker.terminate().then(done, done);
        });
        worker.postMessage('stop');
      })),
  };
}
