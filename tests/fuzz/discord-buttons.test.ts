import { discordFuzzSuite } from './discord-fuzz.js';

// With the commands in discord-commands.test.ts: 9,000 hostile interactions in all.
discordFuzzSuite('buttons', Number(process.env['FUZZ_RUNS'] ?? 3_000));
