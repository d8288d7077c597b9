import { toJson, type Context } from '../context';
import { formatFeeReport, formatReconcile, type ReconcileJson, type SummaryJson } from '../format';
import { requireAdminToken } from '../settings';

/** `interop fees report [--from] [--to] [--chain] [--reconcile]`: the bridge's accounting summary (admin). */
export async function feesReport(
  ctx: Context,
  opts: { from?: Date; to?: Date; chain?: bigint; reconcile?: boolean },
): Promise<void> {
  requireAdminToken(ctx.settings);
  const q = new URLSearchParams();
  if (opts.from) q.set('from', opts.from.toISOString());
  if (opts.to) q.set('to', opts.to.toISOString());
  if (opts.chain !== undefined) q.set('chainId', opts.chain.toString());
  const query = q.toString();
  const summary = await ctx.bridge.get<SummaryJson>(`/accounting/summary${query ? `?${query}` : ''}`, true);
  const reconcile = opts.reconcile ? await ctx.bridge.get<ReconcileJson>('/accounting/reconcile', true) : undefined;
  if (ctx.settings.json) {
    ctx.out(toJson(reconcile ? { summary, reconcile } : summary));
    return;
  }
  ctx.out(formatFeeReport(summary));
  if (reconcile) ctx.out(`\n${formatReconcile(reconcile)}`);
}
