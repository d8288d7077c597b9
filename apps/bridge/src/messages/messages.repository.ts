import { PrismaService } from '@interop/infra';
import { Injectable, Inject } from '@nestjs/common';

import type { Message, MessageEvent } from '../common/prismaTypes';

/** Filters of `GET /messages`. */
export type MessageFilter = {
  sender?: string | undefined;
  src?: bigint | undefined;
  dst?: bigint | undefined;
  status?: Message['status'] | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
};

/** Reads messages and their status timeline. */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async get(id: string): Promise<(Message & { events: MessageEvent[] }) | null> {
    return this.prisma.message.findUnique({
      where: { id },
      include: { events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
  }

  /** Keyset paging by (createdAt, id), oldest first: stable while new messages arrive. */
  async list(f: MessageFilter): Promise<Message[]> {
    return this.prisma.message.findMany({
      where: {
        ...(f.sender ? { sender: f.sender.toLowerCase() } : {}),
        ...(f.src !== undefined ? { srcChainId: f.src } : {}),
        ...(f.dst !== undefined ? { dstChainId: f.dst } : {}),
        ...(f.status ? { status: f.status } : {}),
        ...(f.after
          ? {
              OR: [{ createdAt: { gt: f.after.createdAt } }, { createdAt: f.after.createdAt, id: { gt: f.after.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: f.limit,
    });
  }
}
