import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { phase, type CheckpointerData } from './checkpointer-protocol.js';

/** A running WAL checkpointer: a thread with its own connection to the database file. */
export interface Checkpointer {
  /** The thread's id (for tests and diagnostics). */
  readonly threadId: number;
  /** Resolves when the thread has exited. */
  readonly exited: Promise<void>;
  /**
   * Stops checkpointing and waits (at most `waitMs`) for the thread to run a last
   * `wal_checkpoint(TRUNCATE)` and close its connection. Synchronous, like closing the database.
   */
  stop(): void;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** How often the thread runs `wal_checkpoint(PASSIVE)`. */
  readonly everyMs: number;
  /**
   * WAL size, in pages, past which the thread follows with `wal_checkpoint(RESTART)` (default
   * 1,000, about 4 MB), so that the next write rewinds the WAL even when writes never pause.
   */
  readonly restartPages?: number;
  /** See `CheckpointerData.databaseFd`; without it, RESTART syncs the file under its lock. */
  readonly databaseFd?: number;
  /** The longest `stop()` waits for the thread's last checkpoint. */
  readonly waitMs?: number;
  /** Called once if the thread fails: the caller turns SQLite's own checkpoints back on. */
  readonly onFailure: (reason: string) => void;
}

/**
 * The worker, next to this module and with its extension: `.js` once compiled to `dist/`, run
 * with no flag (a flag the process was started with, such as a V8 option, may be refused in a
 * worker). Under `tsx` and vitest it is `.ts`, which a new thread cannot load by itself: Node 20
 * does not apply loader hooks given in `execArgv` to a worker's entry file, so a two-line
 * bootstrap registers tsx in the thread first, then loads the worker.
 */
function createWorker(data: CheckpointerData): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./checkpoint-worker${extension}`, import.meta.url);
  const options = {
    workerData: data,
    execArgv: [],
    // It holds one connection and a timer: a small heap is plenty.
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
  };
  if (extension !== '.ts') return new Worker(url, options);
  // tsx's require hook compiles in the thread itself (its ESM hooks would start one more).
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const bootstrap = `require(${JSON.stringify(tsx)}).register();
    require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Starts the checkpointer of the database file at `path` (already open in WAL mode; the
 * caller's connection turns its own automatic checkpoint off or far up). Every `everyMs` the
 * thread copies the WAL back into the database with `PRAGMA wal_checkpoint(PASSIVE)`, which
 * waits for nobody: the copy and its fsync happen off the caller's thread, and a WAL that gets
 * pauses between writes is rewound by the next one, so it stays small. Several processes on one
 * file may each run one: SQLite serialises checkpoints.
 *
 * The thread never keeps the process alive (it is unref'd). If it fails, `onFailure` is called
 * once and the caller should let SQLite checkpoint on commit again.
 *
 * @throws when the thread cannot be created (the caller keeps SQLite's own checkpoints).
 */
export function startCheckpointer(path: string, options: CheckpointerOptions): Checkpointer {
  const state = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const data: CheckpointerData = {
    path,
    everyMs: options.everyMs,
    restartPages: options.restartPages ?? 1000,
    ...(options.databaseFd === undefined ? {} : { databaseFd: options.databaseFd }),
    state,
  };
  const worker = createWorker(data);
  worker.unref();
  let failed = false;
  const fail = (reason: string): void => {
    if (failed) return;
    failed = true;
    options.onFailure(reason);
  };
  worker.on('message', (message: { type?: string; message?: string }) => {
    if (message.type === 'error') fail(message.message ?? 'checkpoint failed');
  });
  worker.on('error', (error) => fail(error.message));
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (Atomics.load(state, 0) !== phase.stopped) fail(`checkpointer exited with code ${code}`);
      resolve();
    });
  });
  return {
    threadId: worker.threadId,
    exited,
    stop() {
      // Not started yet: it sees `stopped` and exits without opening the database.
      const was = Atomics.compareExchange(state, 0, phase.starting, phase.stopped);
      if (was !== phase.running) return;
      failed = true; // from now on, an exit is expected
      worker.postMessage('stop');
      // Closing is synchronous (better-sqlite3's `close`), so this waits synchronously, bounded.
      if (Atomics.wait(state, 0, phase.running, options.waitMs ?? 5000) === 'timed-out') {
        void worker.terminate();
      }
    },
  };
}
