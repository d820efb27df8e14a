import type { RecordedCall } from './types.js';

/** One line per call for timeout messages; file contents are elided. */
function describeCall(c: RecordedCall): string {
  const params = JSON.stringify(c.params, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && 'type' in v && v.type === 'Buffer' ? '<bytes>' : v,
  );
  const answer = c.response.ok ? 'ok' : `${c.response.error_code} ${c.response.description}`;
  return `  ${c.method} ${params.slice(0, 160)} -> ${c.outcome}: ${answer.slice(0, 160)}`;
}

/** The record of answered calls, with waiting on future ones. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  readonly violations: RecordedCall[] = [];
  private readonly listeners = new Set<(c: RecordedCall) => void>();
  private readonly closers = new Set<() => void>();

  /** @param keep whether `calls` keeps each call (see `FakeTelegramOptions.keepCalls`). */
  constructor(private readonly keep = true) {}

  /** Appends a call and wakes matching waiters. */
  record(call: RecordedCall): void {
    if (this.keep) this.calls.push(call);
    if (call.outcome === 'violation') this.violations.push(call);
    for (const listener of [...this.listeners]) listener(call);
  }

  /** See `FakeTelegram.onCall`. */
  onCall(listener: (c: RecordedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** See `FakeTelegram.waitFor`. */
  waitFor(
    predicate: (c: RecordedCall) => boolean,
    timeoutMs: number,
    fromIndex: number,
  ): Promise<RecordedCall> {
    const past = this.calls.slice(fromIndex).find(predicate);
    if (past !== undefined) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.closers.delete(onClose);
      };
      const listener = (c: RecordedCall) => {
        try {
          if (!predicate(c)) return;
          done();
          resolve(c);
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const onClose = () => {
        done();
        reject(new Error('fake Telegram closed while waiting for a call'));
      };
      const timer = setTimeout(() => {
        done();
        const recent = this.calls.slice(-15).map(describeCall).join('\n') || '  (none)';
        const total = this.calls.length;
        reject(
          new Error(
            `waitFor: no matching call within ${timeoutMs} ms; last of ${total} calls:\n${recent}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      this.closers.add(onClose);
    });
  }

  /** Rejects every pending `waitFor` (server shutdown). */
  close(): void {
    for (const close of [...this.closers]) close();
  }
}
