// The generated Prisma client's types the bridge uses (prisma/generated is produced by `npm run prisma:generate`).
export { Prisma } from '../../../../prisma/generated/client';
export type { Message, MessageEvent, FeePolicy } from '../../../../prisma/generated/client';
import type { Prisma } from '../../../../prisma/generated/client';

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;
