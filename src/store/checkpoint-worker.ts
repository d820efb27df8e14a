/**
 * The WAL checkpointer's thread (see `checkpointer.ts`): its own connection to the database
 * file, a `PRAGMA wal_checkpoint(PASSIVE)` every `everyMs`, and a `TRUNCATE` one when told to
 * stop. The checkpoint's copy and fsync happen here, never on the bot's event loop.
 */
import { fdatasyncSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { phase, type CheckpointerData } from './checkpointer-protocol.js';

const { path, everyMs, restartPages, databaseFd, state } = workerData as CheckpointerData;

/** The longest a RESTART waits for its moment (then the next tick's PASSIVE goes on). */
const restartWaitMs = 1000;
/** Something to `Atomics.wait` on, for sleeping a fraction of a millisecond between tries. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** One row of `PRAGMA wal_checkpoint`: WAL size and frames copied, in pages. */
interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

function signal(value: number): void {
  Atomics.store(state, 0, value);
  Atomics.notify(state, 0);
}

// The opener may have stopped before this thread got going: then there is nothing to do.
if (Atomics.compareExchange(state, 0, phase.starting, phase.running) === phase.starting) {
  let db: BetterSqlite3.Database | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (timer) clearInterval(timer);
    try {
      // Best effort: other processes may hold the database; never wait longer than a second.
      db?.pragma('busy_timeout = 1000');
      db?.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // busy or closed: the next opener's checkpointer takes over
    }
    db?.close();
    db = undefined;
    parentPort?.close();
    signal(phase.stopped);
  };
  try {
    db = new BetterSqlite3(path, { fileMustExist: true });
    // No busy handler: SQLite's sleeps in steps of 1, 2, 5, 10, 15… ms while this connection holds
    // the write lock (a RESTART waiting for a reader to finish) would stall every writer as long.
    // `restart` below retries on its own, finely; `stop` sets a timeout for its last checkpoint.
    db.pragma('busy_timeout = 0');
    db.pragma('cache_size = -64'); // it only copies pages: no need for a page cache
    const connection = db;
    /**
     * A RESTART: copies what PASSIVE left, syncs the database file, then needs a moment when no
     * reader is on the WAL, so that the next write rewinds it; it holds the write lock throughout.
     * SQLite syncs the database file only when a checkpoint completes, so that sync would flush
     * every page the PASSIVEs copied since the last one (about 1,000 pages: 20–30 ms here) while
     * writers wait. The file is synced first, here, holding nothing; the RESTART's own sync then
     * flushes only the few pages it copies itself.
     *
     * When a writer or a reader is in the way, RESTART returns at once ("busy"): tried again
     * after 0.2 ms, at most for `restartWaitMs`. A retry that finds nothing left to copy only
     * asks for the locks.
     */
    const restart = (): void => {
      if (databaseFd !== undefined) fdatasyncSync(databaseFd);
      const deadline = performance.now() + restartWaitMs;
      for (;;) {
        const [row] = connection.pragma('wal_checkpoint(RESTART)') as CheckpointRow[];
        if (row === undefined || row.busy === 0 || performance.now() >= deadline) return;
        Atomics.wait(pause, 0, 0, 0.2);
      }
    };
    const checkpoint = (): void => {
      try {
        // PASSIVE never waits for readers or writers, and does nothing when the WAL holds no new
        // frames; a busy WAL is simply copied at the next tick.
        const [row] = connection.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
        // Only a write that begins when every frame has been copied rewinds the WAL; when writes
        // never pause, one always lands while PASSIVE copies, and the WAL grows until a COMMIT
        // checkpoints on the bot's thread. RESTART holds the writers for the few frames PASSIVE
        // left and one sync, here, then the next write rewinds.
        if (row !== undefined && row.log >= restartPages) restart();
      } catch (error) {
        parentPort?.postMessage({ type: 'error', message: String(error) });
      }
    };
    timer = setInterval(checkpoint, everyMs);
    parentPort?.on('message', (message: unknown) => {
      if (message === 'stop') stop();
    });
    parentPort?.postMessage({ type: 'ready' });
  } catch (error) {
    if (timer) clearInterval(timer);
    db?.close();
    signal(phase.failed);
    throw error;
  }
}
