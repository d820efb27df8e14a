import { discordFuzzSuite } from './discord-fuzz.js';

// With the button clicks in discord-buttons.test.ts: 9,000 hostile interactions through the
// gateway in all, not 10,000. Measured on 2 shared cores, both files at once: 6,000 commands in
// 34 s and 3,000 clicks (each an update and a follow-up) in 45 s; 10,000 would not fit in ~40 s.
discordFuzzSuite('commands', Number(process.env['FUZZ_RUNS'] ?? 6_000));
