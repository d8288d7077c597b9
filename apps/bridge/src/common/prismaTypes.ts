// The generated Prisma client's types the bridge uses (prisma/generated is produced by `npm run prisma:generate`).
export { Prisma } from '@interop/infra';
export type { Message, MessageEvent, FeePolicy } from '@interop/infra';
import type { Prisma } from '@interop/infra';

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;
