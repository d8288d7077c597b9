// Pure output formatting of the CLI (unit-tested): tables, timelines, reports. Amounts stay decimal strings/bigints.

/** A plain-text table: a header row, then rows; columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `0x1234...cdef` for long hex strings; short values unchanged. */
export function short(hex: string | null | undefined, keep = 6): string {
  if (hex === null || hex === undefined) return '-';
  return hex.length > 2 + keep * 2 + 3 ? `${hex.slice(0, 2 + keep)}...${hex.slice(-keep)}` : hex;
}

/** Wei with thousands separators (exact: bigint/decimal string, never a float). */
export function groupDigits(value: string | bigint): string {
  const s = value.toString();
  const negative = s.startsWith('-');
  const digits = negative ? s.slice(1) : s;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${grouped}` : grouped;
}

/** `part` as a percentage of `total` with two decimals, computed on integers. */
export function percent(part: string | bigint, total: string | bigint): string {
  const p = BigInt(part);
  const t = BigInt(total);
  if (t === 0n) return '-';
  const basis = (p * 10_000n) / t;
  const sign = basis < 0n ? '-' : '';
  const a = basis < 0n ? -basis : basis;
  return `${sign}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}%`;
}

/** A chain as the hub lists it. */
export type ChainJson = {
  chainId: string;
  name: string;
  operator: string;
  slot: number | null;
  status: string;
  l1TxHash: string | null;
  registeredAt: string;
  approvedAt: string | null;
};

export function formatChains(chains: ChainJson[]): string {
  if (chains.length === 0) return 'no chains registered';
  return table(
    ['chain', 'name', 'status', 'slot', 'operator', 'L1 tx'],
    chains.map((c) => [
      c.chainId,
      c.name,
      c.status,
      c.slot === null ? '-' : String(c.slot),
      c.operator,
      short(c.l1TxHash),
    ]),
  );
}

/** A message as the bridge's status API returns it (the fields the CLI shows). */
export type MessageJson = {
  id: string;
  status: string;
  srcChainId: string;
  dstChainId: string;
  nonce: string;
  sender: string;
  recipient: string;
  kind: string;
  amount: string;
  fee: string;
  batchNumber: string | null;
  epoch: string | null;
  attempts: number;
  lastError: string | null;
  srcTxHash: string | null;
  dstTxHash: string | null;
  onChainStatus?: string | null;
  createdAt: string;
  timeline?: Array<{ status: string; at: string; detail: unknown }>;
  inclusionProof?: unknown;
};

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return JSON.stringify(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? short(v, 8) : JSON.stringify(v)}`)
    .join(' ');
}

/** The status of one message with its timeline. */
export function formatMessage(m: MessageJson): string {
  const lines = [
    `message  ${m.id}`,
    `status   ${m.status}${m.lastError ? ` (last error: ${m.lastError})` : ''}`,
    `route    ${m.srcChainId} -> ${m.dstChainId}  nonce ${m.nonce}  kind ${m.kind}`,
    `sender   ${m.sender}`,
    `to       ${m.recipient}`,
    `amount   ${groupDigits(m.amount)}  fee ${groupDigits(m.fee)} wei`,
    `batch    ${m.batchNumber ?? '-'}  epoch ${m.epoch ?? '-'}  attempts ${m.attempts}`,
    `src tx   ${m.srcTxHash ?? '-'}`,
    `dst tx   ${m.dstTxHash ?? '-'}`,
  ];
  if (m.timeline && m.timeline.length > 0) {
    lines.push('timeline');
    for (const t of m.timeline) {
      const detail = detailText(t.detail);
      lines.push(`  ${t.at}  ${t.status.padEnd(9)}${detail ? ` ${detail}` : ''}`.trimEnd());
    }
  }
  return lines.join('\n');
}

/** One progress line of a followed message: status and how far it got. */
export function messageProgressLine(
  m: Pick<MessageJson, 'id' | 'status' | 'batchNumber' | 'epoch' | 'attempts' | 'lastError'>,
): string {
  const parts = [`${short(m.id)} ${m.status}`];
  if (m.batchNumber !== null) parts.push(`batch ${m.batchNumber}`);
  if (m.epoch !== null) parts.push(`epoch ${m.epoch}`);
  if (m.attempts > 0) parts.push(`attempts ${m.attempts}`);
  if (m.lastError) parts.push(`last error: ${m.lastError}`);
  return parts.join(', ');
}

/** One currency of `GET /accounting/summary`. */
export type CurrencySummaryJson = {
  currency: string;
  feesCharged: string;
  gasSpent: string;
  gasRecovered: string;
  net: string;
  burn: string;
  staking: string;
  treasury: string;
  feesUnearned: string;
};

export type SummaryJson = {
  from: string | null;
  to: string | null;
  chainId: string | null;
  currencies: CurrencySummaryJson[];
};

/** The fee report: per currency, fees, gas, net revenue and its burn / staking / treasury split. */
export function formatFeeReport(s: SummaryJson): string {
  const window = `${s.from ?? 'beginning'} .. ${s.to ?? 'now'}${s.chainId ? `, chain ${s.chainId}` : ', all chains'}`;
  if (s.currencies.length === 0) return `fee report (${window})\nno fees booked`;
  const blocks = s.currencies.map((c) =>
    [
      `currency ${c.currency}`,
      table(
        ['item', 'wei', 'share of net'],
        [
          ['fees charged', groupDigits(c.feesCharged), ''],
          ['fees not yet earned', groupDigits(c.feesUnearned), ''],
          ['relayer gas spent', groupDigits(c.gasSpent), ''],
          ['relayer gas recovered', groupDigits(c.gasRecovered), ''],
          ['net revenue', groupDigits(c.net), c.net === '0' ? '-' : '100.00%'],
          ['  burn', groupDigits(c.burn), percent(c.burn, c.net)],
          ['  staking rewards', groupDigits(c.staking), percent(c.staking, c.net)],
          ['  treasury', groupDigits(c.treasury), percent(c.treasury, c.net)],
        ],
      ),
    ].join('\n'),
  );
  return [`fee report (${window})`, ...blocks].join('\n\n');
}

/** `GET /accounting/reconcile`, shortened. */
export type ReconcileJson = {
  ok: boolean;
  checkedAt: string;
  mismatches: Array<{ kind: string; subject: string; message: string }>;
};

export function formatReconcile(r: ReconcileJson): string {
  if (r.ok) return `reconciliation ok (checked ${r.checkedAt})`;
  return [
    `reconciliation: ${r.mismatches.length} mismatch(es) (checked ${r.checkedAt})`,
    ...r.mismatches.map((m) => `  ${m.kind} ${m.subject}: ${m.message}`),
  ].join('\n');
}
