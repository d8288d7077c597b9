import { TooManyUpdatesError } from './aggregation';
import { ProtocolError } from './base';
import { ProtocolDecodingError } from './encoding';
import { NegativeFeeParameterError } from './fee';
import { FieldElementOutOfRangeError } from './field';
import { InclusionProofVerificationError } from './inclusion';
import { LeafIndexOutOfRangeError } from './tree';

describe('ProtocolError', () => {
  it('carries a stable code, a short message, details and a cause', () => {
    const cause = new Error('inner');
    const e = new ProtocolDecodingError({ what: 'a thing', details: 'byte 3 is bad', cause });
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ProtocolDecodingError');
    expect(e.code).toBe('DECODING_FAILED');
    expect(e.shortMessage).toBe('Could not decode a thing.');
    expect(e.details).toBe('byte 3 is bad');
    expect(e.message).toBe('Could not decode a thing.\n\nDetails: byte 3 is bad');
    expect(e.cause).toBe(cause);
  });

  it('every error class has its own code', () => {
    const errors: ProtocolError[] = [
      new FieldElementOutOfRangeError({ value: 5n }),
      new LeafIndexOutOfRangeError({ index: 9, limit: 8 }),
      new TooManyUpdatesError({ count: 3, k: 2 }),
      new NegativeFeeParameterError({ name: 'baseFee', value: -1n }),
      new InclusionProofVerificationError({ level: 'chain', details: 'x' }),
    ];
    const codes = errors.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(errors[4]).toMatchObject({ level: 'chain', code: 'INCLUSION_PROOF_INVALID' });
    expect(new TooManyUpdatesError({ count: 3, k: 2 }).details).toBeUndefined();
  });
});
