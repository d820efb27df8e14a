/**
 * An idle process under the same loader as the bot (`node --import tsx`): the memory any
 * TypeScript process started like `npm start` uses before doing anything. Stops on SIGTERM.
 */
const timer = setInterval(() => undefined, 60_000);
process.stderr.write('idle: ready\n');
process.once('SIGTERM', () => clearInterval(timer));
