/**
 * The WAL checkpointer's thread (see `checkpointer.ts`): its own connection to the database
 * file, a `PRAGMA wal_checkpoint(PASSIVE)` every `everyMs`, and a `TRUNCATE` one when told to
 * stop. The checkpoint's copy and fsync happen here, never on the bot's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { phase, type CheckpointerData } from './checkpointer-protocol.js';

const { path, everyMs, restartPages, state } = workerData as CheckpointerData;

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
      // Best effort: other processes may hold the database; never wait longer than busy_timeout.
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
    db.pragma('busy_timeout = 1000');
    db.pragma('cache_size = -64'); // it only copies pages: no need for a page cache
    const checkpoint = (): void => {
      try {
        // PASSIVE never waits for readers or writers, and does nothing when the WAL holds no new
        // frames; a busy WAL is simply copied at the next tick.
        const [row] = (db?.pragma('wal_checkpoint(PASSIVE)') ?? []) as CheckpointRow[];
        // Only a write that begins when every frame has been copied rewinds the WAL; when writes
        // never pause, one always lands while PASSIVE copies, and the WAL grows until a COMMIT
        // checkpoints on the bot's thread. RESTART holds the writers for the few frames PASSIVE
        // left and one sync, here, then the next write rewinds.
        if (row !== undefined && row.log >= restartPages) db?.pragma('wal_checkpoint(RESTART)');
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
