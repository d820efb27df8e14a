import type { Database } from 'better-sqlite3';

/** Every row of every table, as one text: for asserting what is (not) stored. */
export function databaseText(db: Database): string {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .all();
  return tables
    .map(({ name }) => `${name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())}`)
    .join('\n');
}

/** Rows in any table that mention `platformUserId` in a column, besides the users row itself. */
export function rowsAbout(db: Database, platformUserId: string): number {
  const user = db
    .prepare<[string], { id: number }>('SELECT id FROM users WHERE platform_user_id = ?')
    .get(platformUserId);
  let rows = user ? 1 : 0;
  if (user) {
    for (const { name } of db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('users') AND name NOT LIKE 'sqlite_%'",
      )
      .all()) {
      rows += (
        db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE user_id = ?`).get(user.id) as {
          n: number;
        }
      ).n;
    }
  }
  return rows;
}
