import { discordFuzzSuite } from './discord-fuzz.js';

// With the button clicks in discord-buttons.test.ts: 10,000 hostile interactions through the
// gateway in all. Measured on 2 shared cores, both files at once: 6,000 commands in about 34 s;
// clicks cost more (an update and a follow-up each), about 15 ms apiece.
discordFuzzSuite('commands', Number(process.env['FUZZ_RUNS'] ?? 6_000));
