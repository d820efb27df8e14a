import { join } from 'node:path';
import { loadCatalog } from '../../src/app/catalog-loader.js';
import { createI18n } from '../../src/app/i18n.js';
import { createLocalizer, type Localizer } from '../../src/app/localize.js';
import { randomRef } from '../../src/app/refs.js';
import { createWalkthroughService, type WalkthroughService } from '../../src/app/service.js';
import type { Catalog } from '../../src/core/catalog.js';
import type { Store } from '../../src/core/ports.js';
import { dayMs, longIntervalMs } from '../../src/core/schedule.js';
import { supportedLanguages } from '../../src/locales/index.js';
import { guidesDirectory } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';

/** The shipped catalog, loaded once per test file. */
export const shippedCatalog: Catalog = loadCatalog(guidesDirectory);

/** A real application stack on a SQLite file in `dir`, with a controllable clock. */
export function createTestApp(
  dir: string,
  options: { file?: string; now?: () => number; intervalMs?: number } = {},
) {
  const db = openDatabase(join(dir, options.file ?? 'app.sqlite'));
  const store: Store = createSqliteStore(db);
  let clock = 1_700_000_000_000;
  const service: WalkthroughService = createWalkthroughService({
    store,
    catalog: shippedCatalog,
    now: options.now ?? (() => clock),
    intervals: { default: options.intervalMs ?? 30 * dayMs, long: longIntervalMs },
    languages: supportedLanguages,
    newRef: randomRef,
  });
  const localizer: Localizer = createLocalizer(createI18n(shippedCatalog), 'words');
  return {
    db,
    catalog: shippedCatalog,
    intervals: { default: options.intervalMs ?? 30 * dayMs, long: longIntervalMs },
    store,
    service,
    localizer,
    advance: (ms: number) => {
      clock += ms;
    },
    close: () => store.close(),
  };
}
