import { discordFuzzSuite } from './discord-fuzz.js';

// With the button clicks in discord-buttons.test.ts: 10,000 hostile interactions through the
// gateway in all, split in two files so that they run in parallel.
discordFuzzSuite('commands', Number(process.env['FUZZ_RUNS'] ?? 5_000));
