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
  /** One `Int32` over a `SharedArrayBuffer`: the phase. */
  readonly state: Int32Array;
}
