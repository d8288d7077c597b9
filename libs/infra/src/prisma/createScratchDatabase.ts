import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type ScratchDatabase = {
  name: string;
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database (closing leftover connections first). */
  drop: () => Promise<void>;
};

/**
 * The admin connection used to create and drop databases: `POSTGRES_ADMIN_URL`, else the server of `DATABASE_URL`
 * with database `postgres`, else the local trust-auth server `postgresql://postgres@127.0.0.1:5432/postgres`.
 */
function adminUrl(env: NodeJS.ProcessEnv): string {
  if (env.POSTGRES_ADMIN_URL) return env.POSTGRES_ADMIN_URL;
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = '/postgres';
    return url.toString();
  }
  return 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/**
 * Creates an empty, uniquely named database on the test Postgres server, for int tests that need their own
 * schema (a migration test must start from nothing). Always `drop()` it in `afterAll`.
 *
 * @example
 * const db = await createScratchDatabase('prisma_it');
 * await migrate(db.url);
 * // ...
 * await db.drop();
 */
export async function createScratchDatabase(
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ScratchDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(5).toString('hex')}`;
  const admin = adminUrl(env);
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
