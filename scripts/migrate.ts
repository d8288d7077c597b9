/**
 * Database migrations without the Prisma CLI's native schema engine (which it downloads from outside npm).
 *
 *   npm run db:migrate                      apply pending prisma/migrations/<timestamp>_<name>/migration.sql
 *   npm run db:migrate -- --check           exit 2 (and print the SQL) if the database differs from schema.prisma
 *   npm run db:migrate -- --create <name>   write a new migration: the diff from the migrated database to the schema
 *   npm run db:migrate -- --initial <name>  write a migration from an empty database to the schema (first migration)
 *
 * Applying is done here, in plain SQL over `pg`: each migration runs in its own transaction under Prisma's advisory
 * lock and is recorded in `_prisma_migrations` exactly as Prisma records it (same table, same sha256 checksum), so
 * `prisma migrate deploy` on a machine with the native engine sees the same state. Diffs come from
 * `@prisma/schema-engine-wasm` (the engine Prisma itself ships as wasm) driven through the `@prisma/adapter-pg`
 * driver adapter. See prisma/README.md.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { Command } from 'commander';
import { config as loadDotenv } from 'dotenv';
import pg from 'pg';

loadDotenv({ quiet: true });

const ROOT = resolve(__dirname, '..');
const SCHEMA_PATH = join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');

/** The advisory lock key the Prisma schema engine takes while migrating: using the same one excludes both at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

/** Prisma's own DDL for its bookkeeping table (copied from the schema engine). */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationFileEntry = { name: string; path: string; sql: string; checksum: string };

export type MigrateResult = { applied: string[]; alreadyApplied: string[] };

/** A migration refused or failed; `code` is stable for scripts and tests. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code:
      | 'MIGRATION_CHECKSUM_MISMATCH'
      | 'MIGRATION_FAILED_BEFORE'
      | 'MIGRATION_FAILED'
      | 'MIGRATION_NOT_APPLIED'
      | 'MIGRATION_NO_DATABASE_URL',
    message: string,
  ) {
    super(message);
  }
}

/** sha256 (hex) of a migration script: the checksum Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** The committed migrations in apply order (directory names start with a sortable timestamp). */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFileEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(d.name))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const path = join(dir, name, 'migration.sql');
      const sql = readFileSync(path, 'utf8');
      return { name, path, sql, checksum: migrationChecksum(sql) };
    });
}

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/**
 * Applies every pending migration, each in its own transaction, under Prisma's advisory lock. Refuses to run when
 * an applied migration's file changed (checksum) or a migration is recorded as failed (as `prisma migrate deploy`
 * does). Running it again with nothing pending changes nothing.
 */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
  dir = MIGRATIONS_DIR,
): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(MIGRATIONS_TABLE_DDL);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
      );
      const failed = rows.filter((r) => r.finished_at === null);
      if (failed.length > 0) {
        throw new MigrationError(
          'MIGRATION_FAILED_BEFORE',
          `migration(s) ${failed.map((r) => r.migration_name).join(', ')} failed earlier and are not rolled back: fix the database, then mark them rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = ...)`,
        );
      }
      const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
      for (const m of migrations) {
        const recorded = applied.get(m.name);
        if (recorded !== undefined && recorded !== m.checksum) {
          throw new MigrationError(
            'MIGRATION_CHECKSUM_MISMATCH',
            `migration ${m.name} was changed after it was applied (recorded checksum ${recorded}, file ${m.checksum}): never edit an applied migration, add a new one`,
          );
        }
      }
      const known = new Set(migrations.map((m) => m.name));
      for (const name of applied.keys()) {
        if (!known.has(name)) log(`warning: applied migration ${name} is not in ${dir}`);
      }
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const m of migrations) {
        if (applied.has(m.name)) {
          result.alreadyApplied.push(m.name);
          continue;
        }
        const started = Date.now();
        await client.query('BEGIN');
        try {
          const startedAt = new Date();
          // The script and its bookkeeping row commit together: a failure leaves neither behind.
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
            [randomUUID(), m.checksum, m.name, startedAt],
          );
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw new MigrationError(
            'MIGRATION_FAILED',
            `migration ${m.name} failed and was rolled back: ${(e as Error).message}`,
          );
        }
        result.applied.push(m.name);
        log(`applied ${m.name} in ${Date.now() - started} ms`);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/** Result rows (by identity) -> indexes of their `"char"` columns, handed from the pg client to the adapter wrapper. */
const charColumns = new WeakMap<object, number[]>();

/**
 * A pg client class for the schema engine. Postgres's internal `"char"` type (OID 18), which the engine's schema
 * describer selects (e.g. `pg_constraint.contype`), makes @prisma/adapter-pg 7.10 throw. Reporting it as `text`
 * (OID 25) gets the rows through (pg parses both as strings); the adapter wrapper below then restores the column
 * type the engine expects (`Character`).
 */
class CharAsTextClient extends pg.Client {
  // pg's query has many overloads: pg.Pool calls it with a callback, transactions use the promise form.
  override query(...args: unknown[]): never {
    const patch = (res: pg.QueryResult | undefined): void => {
      const indexes: number[] = [];
      (res?.fields ?? []).forEach((field, i) => {
        if (field.dataTypeID === 18) {
          field.dataTypeID = 25;
          indexes.push(i);
        }
      });
      if (res && indexes.length > 0) charColumns.set(res.rows, indexes);
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (err: Error | null, res?: pg.QueryResult) => void;
      args[args.length - 1] = (err: Error | null, res?: pg.QueryResult) => {
        patch(res);
        callback(err, res);
      };
    }
    const out = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<pg.QueryResult>).then((res) => {
        patch(res);
        return res;
      }) as never;
    }
    return out as never;
  }
}

type Queryable = { queryRaw(query: SqlQuery): Promise<SqlResultSet> };

/** Makes `queryRaw` report `"char"` columns (marked by CharAsTextClient) as `Character`. */
function restoreCharColumns<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query: SqlQuery): Promise<SqlResultSet> => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

type MinimalWebAssembly = {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

type WasmSchemaEngine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

/**
 * Loads `@prisma/schema-engine-wasm` in Node. Its entry imports the `.wasm` file as an ES module, which Node 20
 * cannot do, so the wasm is instantiated here against the package's JS glue.
 */
async function loadSchemaEngine(
  databaseUrl: string,
): Promise<{ engine: WasmSchemaEngine; close: () => Promise<void> }> {
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm'));
  // The glue reports Rust panics through this global; without it a panic surfaces as an unrelated TypeError.
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
    set_message: (message: string) => process.stderr.write(`schema engine panic: ${message}\n`),
  };
  const glue = (await import(join(dir, 'schema_engine_bg.js'))) as {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
    SchemaEngine: {
      new: (options: unknown, log: (line: string) => void, adapter: object) => Promise<WasmSchemaEngine>;
    };
  };
  // Node has WebAssembly, but the project's lib settings (ES2023, no DOM) do not declare it.
  const wasm = (globalThis as unknown as { WebAssembly: MinimalWebAssembly }).WebAssembly;
  const { instance } = await wasm.instantiate(readFileSync(join(dir, 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();

  const pool = new pg.Pool({ connectionString: databaseUrl, Client: CharAsTextClient as unknown as typeof pg.Client });
  const inner = new PrismaPg(pool);
  // Our own factory rather than PrismaPg's: its shadow database can land on the main database (see TOOLCHAIN.md),
  // and nothing here needs a shadow database, so asking for one is an error.
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = restoreCharColumns(await inner.connect());
      const startTransaction = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolationLevel) => restoreCharColumns(await startTransaction(isolationLevel));
      return adapter;
    },
    connectToShadowDb: () => Promise.reject(new Error('scripts/migrate.ts never uses a shadow database')),
  };
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  const engine = await glue.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** SQL that turns `from` (the live database, or an empty one) into schema.prisma; empty when nothing differs. */
export async function diffToSchema(databaseUrl: string, from: 'database' | 'empty'): Promise<string> {
  const { engine, close } = await loadSchemaEngine(databaseUrl);
  try {
    const schema = readFileSync(SCHEMA_PATH, 'utf8');
    const files = [{ path: 'schema.prisma', content: schema }];
    const res = await engine.diff({
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatasource', files, configDir: ROOT },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = (res.stdout ?? '').trim();
    // The engine prints a comment-only script when there is nothing to do.
    const statements = sql
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('--'))
      .join('\n');
    return statements === '' ? '' : sql + '\n';
  } finally {
    await close();
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function writeMigration(name: string, sql: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name must be snake_case ([a-z0-9_]+), got "${name}"`);
  const dirName = `${timestamp()}_${name}`;
  mkdirSync(join(MIGRATIONS_DIR, dirName), { recursive: true });
  writeFileSync(
    join(MIGRATIONS_DIR, 'migration_lock.toml'),
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
  const path = join(MIGRATIONS_DIR, dirName, 'migration.sql');
  writeFileSync(path, sql);
  return path;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('migrate')
    .option('--check', 'exit 2 if the database differs from prisma/schema.prisma')
    .option('--create <name>', 'write a migration from the migrated database to the schema')
    .option('--initial <name>', 'write a migration from an empty database to the schema')
    .parse();
  const opts = program.opts<{ check?: boolean; create?: string; initial?: string }>();
  const url = process.env.DATABASE_URL;
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  if (opts.initial) {
    // Needs a reachable database only because the engine wants a connection; nothing is read from it.
    if (!url) throw new MigrationError('MIGRATION_NO_DATABASE_URL', 'DATABASE_URL is not set');
    const sql = await diffToSchema(url, 'empty');
    out(`wrote ${writeMigration(opts.initial, sql)}`);
    return;
  }
  if (!url) throw new MigrationError('MIGRATION_NO_DATABASE_URL', 'DATABASE_URL is not set');
  const safeUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

  if (opts.check || opts.create) {
    const pending = readMigrations().length - (await migratedNames(url)).length;
    if (pending > 0) {
      throw new MigrationError(
        'MIGRATION_NOT_APPLIED',
        `${pending} migration(s) are not applied to ${safeUrl}: run npm run db:migrate first`,
      );
    }
    const sql = await diffToSchema(url, 'database');
    if (opts.check) {
      if (sql === '') {
        out(`${safeUrl} matches prisma/schema.prisma`);
        return;
      }
      out(`${safeUrl} differs from prisma/schema.prisma; SQL to reconcile:\n${sql}`);
      process.exitCode = 2;
      return;
    }
    if (sql === '') {
      out('no changes: the migrated database already matches prisma/schema.prisma');
      return;
    }
    out(`wrote ${writeMigration(opts.create!, sql)}; review it, then run npm run db:migrate`);
    return;
  }

  const result = await migrate(url, out);
  out(`${safeUrl}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
}

async function migratedNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    if ((exists.rows[0] as { t: string | null }).t === null) return [];
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return rows.map((r) => r.migration_name);
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    const err = e as Error & { code?: string };
    process.stderr.write(`migrate: ${err.code ? `[${err.code}] ` : ''}${err.message}\n`);
    process.exit(1);
  });
}
