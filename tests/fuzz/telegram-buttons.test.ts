import { telegramFuzzSuite } from './telegram-fuzz.js';

// With the messages in telegram-messages.test.ts: 10,000 hostile inputs in all.
telegramFuzzSuite('buttons', 5_000);
