import { PROOF_FILE_FORMAT, instanceOfProof, parseProofFile } from './proofFile';

describe('proof file', () => {
  it('knows the circuit instance from the path lengths', () => {
    expect(instanceOfProof({ chainPath: [1, 2, 3], sharedPath: [1, 2] })).toBe('test');
    expect(instanceOfProof({ chainPath: new Array(20).fill(0), sharedPath: new Array(10).fill(0) })).toBe('prod');
    expect(() => instanceOfProof({ chainPath: [1], sharedPath: [1] })).toThrow('no known circuit instance');
  });

  it('refuses what is not a proof file with one line naming the problem', () => {
    expect(() => parseProofFile('{', 'x.json')).toThrow('x.json is not JSON');
    expect(() => parseProofFile('{"format":"other"}', 'x.json')).toThrow(
      `x.json is not an ${PROOF_FILE_FORMAT} v1 file (format:`,
    );
    const almost = {
      format: PROOF_FILE_FORMAT,
      version: 1,
      circuitInstance: 'test',
      messageId: `0x${'ab'.repeat(32)}`,
      inclusion: {},
      epoch: { epoch: '1' },
      exportedAt: 'now',
    };
    expect(() => parseProofFile(JSON.stringify(almost), 'y.json')).toThrow(/y\.json is not .* \(epoch\.prevRoot: /);
  });
});
