// The generated Prisma client (prisma/generated, made by `npm run prisma:generate`): apps reach its runtime namespace
// and model types through @interop/infra, never by a relative path out of their package.
export { Prisma, PrismaClient } from '@interop/prisma-client';
export type { Epoch, FeePolicy, Message, MessageEvent } from '@interop/prisma-client';
