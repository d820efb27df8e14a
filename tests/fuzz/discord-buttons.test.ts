import { discordFuzzSuite } from './discord-fuzz.js';

// With the commands in discord-commands.test.ts: 7,500 hostile interactions in all. Clicks are
// the costly ones (an update and a follow-up each, about 13 ms of CPU apiece on these 2 cores);
// 4,000 of them outlasted a 300 s limit on a loaded machine, so this stays at 1,500 to keep
// `npm test` dependable. FUZZ_RUNS=10000 runs the full count by hand.
discordFuzzSuite('buttons', Number(process.env['FUZZ_RUNS'] ?? 1_500));
