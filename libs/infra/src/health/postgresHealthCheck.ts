import type { HealthCheck } from './healthCheck';

/** The part of PrismaClient the check uses (so a test or another client can stand in). */
export type SqlPinger = { $queryRawUnsafe<T = unknown>(query: string): Promise<T> };

/**
 * Postgres answers `select 1` through the app's own Prisma client (so the check also covers its pool).
 *
 * @example
 * postgresHealthCheck(prismaService)
 */
export function postgresHealthCheck(prisma: SqlPinger, name = 'postgres'): HealthCheck {
  return {
    name,
    check: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
  };
}
