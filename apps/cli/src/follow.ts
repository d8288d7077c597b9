import type { ApiClient } from './api';
import { ApiError } from './api';
import { CliError } from './errors';
import { messageProgressLine, type MessageJson } from './format';
import { delay, type Progress } from './progress';

const FINAL = new Set(['executed', 'failed']);

/**
 * Polls the bridge's status API until the message is executed or failed, or the deadline passes, showing each new
 * state. A message the bridge does not know yet (its chain app has not sealed it) shows as "waiting for the bridge".
 */
export async function followMessage(
  bridge: ApiClient,
  id: string,
  progress: Progress,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<MessageJson> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: MessageJson | undefined;
  for (;;) {
    try {
      last = await bridge.get<MessageJson>(`/messages/${id}`);
      progress.update(messageProgressLine(last));
      if (FINAL.has(last.status)) return last;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'MESSAGE_NOT_FOUND')) throw e;
      progress.update(`${id.slice(0, 10)}... sent, waiting for the bridge to see it`);
    }
    if (Date.now() >= deadline) {
      progress.done();
      throw new CliError(
        `message ${id} is still ${last?.status ?? 'unknown to the bridge'} after ${Math.round(opts.timeoutMs / 1000)} s (check later: interop status ${id})`,
      );
    }
    await delay(opts.intervalMs ?? 500);
  }
}
