import { oneLine } from './errors';
import { Progress } from './progress';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress and error lines', () => {
  it('off a terminal: one line per new state, repeats suppressed, final line on done', () => {
    const { stream, written } = fakeStream(false);
    const p = new Progress(stream);
    p.update('sent');
    p.update('sent');
    p.update('batched, batch 0');
    p.done('executed');
    expect(written).toEqual(['... sent\n', '... batched, batch 0\n', 'executed\n']);
  });

  it('on a terminal: redraws one line and clears it at the end', () => {
    const { stream, written } = fakeStream(true);
    const p = new Progress(stream);
    p.update('waiting');
    p.done();
    expect(written[0]?.startsWith('\r\x1b[K| waiting (')).toBe(true);
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('disabled (--no-progress): writes nothing', () => {
    const { stream, written } = fakeStream(false);
    const p = new Progress(stream, false);
    p.update('x');
    p.done('y');
    expect(written).toEqual([]);
  });

  it('reduces any error to its first meaningful line', () => {
    expect(oneLine(new Error('\nfirst\nsecond'))).toBe('first');
    expect(oneLine({ shortMessage: 'The contract function reverted.', message: 'long\nstack' })).toBe(
      'The contract function reverted.',
    );
    expect(oneLine('plain')).toBe('plain');
  });
});
