import type { Command } from 'commander';

import type { Context } from './context';
import { buildProgram, DEFAULT_TIMEOUT_S } from './program';
import type { GlobalOptions } from './settings';

/** Parses argv with a runner that records what would run, without I/O. */
async function parse(
  argv: string[],
): Promise<{ ran: boolean; globals?: GlobalOptions; error?: string; program: Command }> {
  let ran = false;
  let globals: GlobalOptions | undefined;
  let err = '';
  const program = buildProgram((_action: (ctx: Context) => Promise<void>, g) => {
    ran = true;
    globals = g;
    return Promise.resolve();
  });
  const silence = (c: Command) => {
    c.configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined }).exitOverride();
    c.commands.forEach(silence);
  };
  silence(program);
  try {
    await program.parseAsync(['node', 'interop', ...argv]);
  } catch {
    return { ran, error: err.trim(), program };
  }
  return { ran, ...(globals ? { globals } : {}), program };
}

describe('interop command line', () => {
  it('accepts each command with valid arguments', async () => {
    const id = `0x${'ab'.repeat(32)}`;
    const addr = `0x${'12'.repeat(20)}`;
    for (const argv of [
      ['chains', 'list'],
      ['chains', 'register', '--chain-id', '903', '--name', 'gamma'],
      ['chains', 'approve', '903'],
      ['chains', 'pause', '901'],
      ['chains', 'resume', '901'],
      ['bridge', addr, '1000', '--from', '901', '--to', '902'],
      ['bridge', addr, '1.5', '--from', '901', '--to', '902', '--recipient', addr, '--no-wait'],
      ['send', '--from', '901', '--to', '902', '--payload', '0xdeadbeef', '--target', addr],
      ['status', id, '--wait', '--timeout', '10'],
      ['proof', 'export', id, '--out', '/tmp/x.json'],
      ['proof', 'verify', '/tmp/x.json'],
      ['fees', 'report', '--from', '24h', '--to', 'now', '--chain', '901', '--reconcile'],
    ]) {
      const r = await parse(argv);
      expect({ argv, error: r.error }).toEqual({ argv, error: undefined });
      expect(r.ran).toBe(true);
    }
  });

  it('passes global options to the runner', async () => {
    const r = await parse([
      '--hub-url',
      'http://h:1',
      '--admin-token',
      't',
      '--json',
      '--no-progress',
      'chains',
      'list',
    ]);
    expect(r.globals).toMatchObject({ hubUrl: 'http://h:1', adminToken: 't', json: true, progress: false });
  });

  it('rejects bad arguments with one line naming the argument, before anything runs', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['bridge', '0x12', '5', '--from', '901', '--to', '902'],
        /value '0x12' is invalid for argument 'asset'\. expected a 0x-prefixed 20-byte address/,
      ],
      [['bridge', `0x${'12'.repeat(20)}`, '5', '--from', '901'], /required option '--to <chainId>' not specified/],
      [
        ['bridge', `0x${'12'.repeat(20)}`, '5', '--from', 'alpha', '--to', '902'],
        /'--from <chainId>' argument 'alpha' is invalid/,
      ],
      [['send', '--from', '901', '--to', '902', '--payload', 'xyz'], /'--payload <hex>' argument 'xyz' is invalid/],
      [['send', '--from', '901', '--to', '902'], /required option '--payload <hex>'/],
      [['status', '0x1234'], /a message id is 0x \+ 64 hex digits/],
      [['status'], /missing required argument 'messageId'/],
      [['fees', 'report', '--from', 'yesterday'], /'--from <time>' argument 'yesterday' is invalid/],
      [['chains', 'pause', 'x'], /a chain id is a positive decimal integer/],
      [['chains', 'register', '--chain-id', '903'], /required option '--name <name>'/],
      [['nonsense'], /unknown command 'nonsense'/],
    ];
    for (const [argv, message] of cases) {
      const r = await parse(argv);
      expect(r.ran).toBe(false);
      expect(r.error).toMatch(message);
      expect(r.error?.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    }
  });

  it('has a default follow timeout', () => {
    expect(DEFAULT_TIMEOUT_S).toBe(300);
  });
});
