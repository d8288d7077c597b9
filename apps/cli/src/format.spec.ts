import {
  formatChains,
  formatFeeReport,
  formatMessage,
  formatReconcile,
  groupDigits,
  messageProgressLine,
  percent,
  short,
  table,
  type MessageJson,
} from './format';

const message: MessageJson = {
  id: `0x${'ab'.repeat(32)}`,
  status: 'executed',
  srcChainId: '901',
  dstChainId: '902',
  nonce: '0',
  sender: `0x${'11'.repeat(20)}`,
  recipient: `0x${'22'.repeat(20)}`,
  kind: 'token',
  amount: '1000000',
  fee: '200010000',
  batchNumber: '0',
  epoch: '1',
  attempts: 1,
  lastError: null,
  srcTxHash: `0x${'cd'.repeat(32)}`,
  dstTxHash: `0x${'ef'.repeat(32)}`,
  createdAt: '2026-11-24T03:00:00.000Z',
  timeline: [
    { status: 'sent', at: '2026-11-24T03:00:00.000Z', detail: null },
    { status: 'executed', at: '2026-11-24T03:00:09.000Z', detail: { txHash: `0x${'ef'.repeat(32)}`, gasUsed: 1234 } },
  ],
};

describe('output formatting', () => {
  it('tables pad columns and keep rows in order', () => {
    expect(
      table(
        ['a', 'long'],
        [
          ['xyz', '1'],
          ['', '22'],
        ],
      ),
    ).toBe('a    long\n---  ----\nxyz  1\n     22');
  });

  it('shortens hex, groups digits and computes percentages on integers', () => {
    expect(short(`0x${'ab'.repeat(32)}`)).toBe('0xababab...ababab');
    expect(short('0x1234')).toBe('0x1234');
    expect(short(null)).toBe('-');
    expect(groupDigits('1234567')).toBe('1,234,567');
    expect(groupDigits(-1000n)).toBe('-1,000');
    expect(groupDigits('999')).toBe('999');
    expect(groupDigits('123456789012345678901234567890')).toBe('123,456,789,012,345,678,901,234,567,890');
    expect(percent('2000', '10000')).toBe('20.00%');
    expect(percent('1', '3')).toBe('33.33%');
    expect(percent('5', '0')).toBe('-');
  });

  it('formats chains', () => {
    expect(formatChains([])).toBe('no chains registered');
    const out = formatChains([
      {
        chainId: '901',
        name: 'alpha',
        operator: `0x${'70'.repeat(20)}`,
        slot: 0,
        status: 'active',
        l1TxHash: null,
        registeredAt: '',
        approvedAt: null,
      },
    ]);
    expect(out.split('\n')[0]).toMatch(/^chain\s+name\s+status\s+slot\s+operator\s+L1 tx$/);
    expect(out).toContain('901    alpha  active  0');
  });

  it('formats a message with its timeline, and one progress line', () => {
    const out = formatMessage(message);
    expect(out).toContain(`message  ${message.id}`);
    expect(out).toContain('status   executed');
    expect(out).toContain('route    901 -> 902  nonce 0  kind token');
    expect(out).toContain('amount   1,000,000  fee 200,010,000 wei');
    expect(out).toMatch(
      /timeline\n {2}2026-11-24T03:00:00.000Z {2}sent\n {2}2026-11-24T03:00:09.000Z {2}executed {2}txHash=0xefefefef...efefefef gasUsed=1234/,
    );
    expect(messageProgressLine(message)).toBe('0xababab...ababab executed, batch 0, epoch 1, attempts 1');
    expect(messageProgressLine({ ...message, status: 'sent', batchNumber: null, epoch: null, attempts: 0 })).toBe(
      '0xababab...ababab sent',
    );
    expect(formatMessage({ ...message, status: 'failed', lastError: 'boom' })).toContain(
      'status   failed (last error: boom)',
    );
  });

  it('formats the fee report with the burn / staking / treasury split', () => {
    const out = formatFeeReport({
      from: '2026-11-24T00:00:00.000Z',
      to: null,
      chainId: '901',
      currencies: [
        {
          currency: 'ETH:901',
          feesCharged: '1000000',
          gasSpent: '400000',
          gasRecovered: '400000',
          net: '600000',
          burn: '120000',
          staking: '180000',
          treasury: '300000',
          feesUnearned: '0',
        },
      ],
    });
    expect(out).toContain('fee report (2026-11-24T00:00:00.000Z .. now, chain 901)');
    expect(out).toMatch(/net revenue\s+600,000\s+100.00%/);
    expect(out).toMatch(/burn\s+120,000\s+20.00%/);
    expect(out).toMatch(/staking rewards\s+180,000\s+30.00%/);
    expect(out).toMatch(/treasury\s+300,000\s+50.00%/);
    expect(formatFeeReport({ from: null, to: null, chainId: null, currencies: [] })).toBe(
      'fee report (beginning .. now, all chains)\nno fees booked',
    );
  });

  it('formats reconciliation', () => {
    expect(formatReconcile({ ok: true, checkedAt: 't', mismatches: [] })).toBe('reconciliation ok (checked t)');
    expect(
      formatReconcile({
        ok: false,
        checkedAt: 't',
        mismatches: [{ kind: 'fees', subject: 'chain 1', message: 'off by 1' }],
      }),
    ).toBe('reconciliation: 1 mismatch(es) (checked t)\n  fees chain 1: off by 1');
  });
});
