import type { Hex } from 'viem';

import { toJson, type Context } from '../context';
import { CliError } from '../errors';
import { followMessage } from '../follow';
import { formatMessage, type MessageJson } from '../format';

/** `interop status <messageId> [--wait]`: the bridge's status timeline of a message. */
export async function statusCommand(ctx: Context, id: Hex, opts: { wait: boolean; timeout: number }): Promise<void> {
  if (opts.wait) {
    const progress = ctx.progress();
    try {
      await followMessage(ctx.bridge, id, progress, { timeoutMs: opts.timeout * 1000 });
    } finally {
      progress.done();
    }
  }
  const m = await ctx.bridge.get<MessageJson>(`/messages/${id}`);
  ctx.out(ctx.settings.json ? toJson(m) : formatMessage(m));
  if (opts.wait && m.status === 'failed')
    throw new CliError(`message ${id} failed: ${m.lastError ?? 'see the timeline'}`);
}
