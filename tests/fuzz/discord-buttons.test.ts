import { discordFuzzSuite } from './discord-fuzz.js';

// With the slash commands in discord-commands.test.ts: 10,000 hostile interactions in all.
discordFuzzSuite('buttons', Number(process.env['FUZZ_RUNS'] ?? 5_000));
