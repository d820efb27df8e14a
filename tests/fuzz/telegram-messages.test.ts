import { telegramFuzzSuite } from './telegram-fuzz.js';

// With the button presses in telegram-buttons.test.ts: 10,000 hostile inputs in all, split in
// two files so that they run in parallel.
telegramFuzzSuite('messages', 5_000);
