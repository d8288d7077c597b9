import { Injectable, Inject } from '@nestjs/common';

import type { Message, MessageEvent } from '../common/prismaTypes';
import { MessageNotFoundError } from '../errors/bridgeErrors';
import { MessagesRepository, type MessageFilter } from './messages.repository';

/** A message as the status API shows it (integers as decimal strings). */
export type MessageView = ReturnType<typeof view>;

function view(m: Message) {
  return {
    id: m.id,
    status: m.status,
    srcChainId: m.srcChainId.toString(),
    dstChainId: m.dstChainId.toString(),
    nonce: m.nonce.toFixed(),
    sender: m.sender,
    recipient: m.recipient,
    kind: m.kind,
    assetId: m.assetId,
    amount: m.amount.toFixed(),
    fee: m.fee.toFixed(),
    gasLimit: m.gasLimit.toFixed(),
    batchNumber: m.batchNumber?.toString() ?? null,
    leafIndex: m.leafIndex,
    batchRoot: m.batchRoot,
    epoch: m.epoch?.toString() ?? null,
    attempts: m.attempts,
    lastError: m.lastError,
    nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
    srcTxHash: m.srcTxHash,
    dstTxHash: m.dstTxHash,
    onChainStatus: m.onChainStatus,
    gasUsed: m.gasUsed?.toFixed() ?? null,
    gasPrice: m.gasPrice?.toFixed() ?? null,
    createdAt: m.createdAt.toISOString(),
    processedAt: m.processedAt?.toISOString() ?? null,
  };
}

/** The status API: one message with its timeline and inclusion proof, or a filtered page of messages. */
@Injectable()
export class MessagesService {
  constructor(@Inject(MessagesRepository) private readonly repo: MessagesRepository) {}

  async get(id: string) {
    const m = await this.repo.get(id.toLowerCase());
    if (!m) throw new MessageNotFoundError(id);
    return {
      ...view(m),
      payload: m.payload,
      timeline: m.events.map((e: MessageEvent) => ({ status: e.status, at: e.at.toISOString(), detail: e.detail })),
      inclusionProof: m.proof,
    };
  }

  async list(f: Omit<MessageFilter, 'after'> & { cursor?: string | undefined }) {
    const after = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await this.repo.list({ ...f, after });
    const last = rows[rows.length - 1];
    return {
      items: rows.map(view),
      nextCursor: rows.length === f.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

/** Opaque page cursor: base64url of `<createdAt ISO>|<id>`. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) return { createdAt: new Date(0), id: '' };
  return { createdAt, id };
}
