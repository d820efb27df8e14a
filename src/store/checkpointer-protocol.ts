/** What the database's opener and its checkpointer thread share (see `checkpointer.ts`). */

/** The thread's phase, in `state[0]`: the opener waits on it when closing. */
export const phase = {
  /** The thread is loading; an opener that stops now sets `stopped` and the thread never opens. */
  starting: 0,
  /** Checkpointing; the opener must ask it to stop and wait. */
  running: 1,
  /** Stopped: its connection is closed. */
  stopped: 2,
  /** It could not open the database. */
  failed: 3,
} as const;

/** The thread's `workerData`. */
export interface CheckpointerData {
  readonly path: string;
  readonly everyMs: number;
  /** WAL size, in pages, past which the thread runs a `RESTART` checkpoint (see the worker). */
  readonly restartPages: number;
  /**
   * A read-only descriptor of the database file, owned by the opener (which closes it after
   * every connection: closing any descriptor of a file drops the process's POSIX locks on it,
   * SQLite's included), for syncing the file without holding SQLite's locks (see the worker).
   */
  readonly databaseFd?: number;
  /** One `Int32` over a `SharedArrayBuffer`: the phase. */
  readonly state: Int32Array;
}
