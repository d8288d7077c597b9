import fc from 'fast-check';
import { decodeAbiParameters, encodeAbiParameters, getAddress, keccak256, type Address, type Hex } from 'viem';
import { ProtocolError } from '../errors/base';
import { InvalidMessageError, ProtocolDecodingError } from '../errors/encoding';
import { sampleMessage } from '../testing/fixtures';
import { assetIdOf } from './assetIdOf';
import { decodeTokenPayload } from './decodeTokenPayload';
import { encodeMessage } from './encodeMessage';
import { encodeTokenPayload } from './encodeTokenPayload';
import {
  interopMessageAbiParameter,
  interopMessageComponents,
  interopMessageToJson,
  type InteropMessage,
} from './interopMessage';
import { interopMessageFromJson } from './interopMessageFromJson';
import { MessageKind } from './messageKind';
import { messageLeaf } from './messageLeaf';

const vault = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const token = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

describe('encodeMessage / messageLeaf', () => {
  it('is abi.encode of the struct: head offset 0x20 then the tuple, round-trips through decode', () => {
    const m = sampleMessage();
    const bytes = encodeMessage(m);
    expect(bytes.slice(2, 66)).toBe('20'.padStart(64, '0'));
    // Field order pinned independently of the library's ABI constant.
    const manual = encodeAbiParameters(
      [
        {
          type: 'tuple',
          components: [
            { type: 'uint64' },
            { type: 'uint64' },
            { type: 'uint64' },
            { type: 'address' },
            { type: 'address' },
            { type: 'uint8' },
            { type: 'bytes' },
            { type: 'bytes32' },
            { type: 'uint256' },
            { type: 'uint256' },
            { type: 'uint64' },
          ],
        },
      ],
      [[31337n, 31338n, 0n, m.sender, m.recipient, 0, '0xdeadbeef', m.assetId, 0n, 1000n, 200_000n]],
    );
    expect(bytes).toBe(manual);
    const [decoded] = decodeAbiParameters([{ type: 'tuple', components: interopMessageComponents }], bytes);
    expect(decoded.gasLimit).toBe(200_000n);
    expect(messageLeaf(m)).toBe(keccak256(bytes));
  });
  it('every field changes the leaf', () => {
    const base = messageLeaf(sampleMessage());
    const variants = [
      { srcChainId: 1n },
      { dstChainId: 1n },
      { nonce: 1n },
      { sender: vault },
      { recipient: vault },
      { kind: MessageKind.TOKEN },
      { payload: '0x' as Hex },
      { assetId: `0x${'01'.repeat(32)}` },
      { amount: 1n },
      { fee: 1n },
      { gasLimit: 1n },
    ] as const;
    for (const v of variants) expect(messageLeaf(sampleMessage(v))).not.toBe(base);
  });
  it('rejects out-of-range fields with InvalidMessageError', () => {
    expect(() => encodeMessage(sampleMessage({ nonce: 2n ** 64n }))).toThrow(InvalidMessageError);
    expect(() => encodeMessage(sampleMessage({ amount: -1n }))).toThrow(InvalidMessageError);
    expect(() => messageLeaf(sampleMessage({ sender: '0x1234' }))).toThrow(InvalidMessageError);
  });
});

const U64 = 2n ** 64n - 1n;
const U256 = 2n ** 256n - 1n;
const hexOf = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
const randomCase = (h: string, upper: boolean[]): string =>
  h.replace(/[a-f]/g, (c, i: number) => (upper[i % upper.length] ? c.toUpperCase() : c));
const anyAddress = fc
  .tuple(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.boolean())
  .map(([b, checksummed]): Address => (checksummed ? getAddress(hexOf(b)) : hexOf(b)));
const anyMessage: fc.Arbitrary<InteropMessage> = fc.record({
  srcChainId: fc.bigInt({ min: 0n, max: U64 }),
  dstChainId: fc.bigInt({ min: 0n, max: U64 }),
  nonce: fc.bigInt({ min: 0n, max: U64 }),
  sender: anyAddress,
  recipient: anyAddress,
  kind: fc.integer({ min: 0, max: 255 }).map((k) => k as MessageKind),
  payload: fc
    .tuple(fc.uint8Array({ maxLength: 200 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))
    .map(([b, upper]): Hex => `0x${randomCase(hexOf(b).slice(2), upper)}`),
  assetId: fc
    .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))
    .map(([b, upper]): Hex => `0x${randomCase(hexOf(b).slice(2), upper)}`),
  amount: fc.bigInt({ min: 0n, max: U256 }),
  fee: fc.bigInt({ min: 0n, max: U256 }),
  gasLimit: fc.bigInt({ min: 0n, max: U64 }),
});
const viemEncode = (m: InteropMessage): Hex => encodeAbiParameters([interopMessageAbiParameter], [m]);

describe('hand-packed encoding = viem encodeAbiParameters', () => {
  it('gives the same bytes and the same leaf for any valid message (property)', () => {
    fc.assert(
      fc.property(anyMessage, (m) => {
        const reference = viemEncode(m);
        expect(encodeMessage(m)).toBe(reference.toLowerCase());
        expect(messageLeaf(m)).toBe(keccak256(reference));
      }),
      { numRuns: 300 },
    );
  });
  it('rejects with InvalidMessageError whatever viem rejects, field by field (property)', () => {
    const bad = fc.oneof(
      fc.bigInt({ min: U64 + 1n, max: U256 }).map((v) => ({ nonce: v })),
      fc.bigInt({ min: -U64, max: -1n }).map((v) => ({ srcChainId: v })),
      fc.bigInt({ min: U64 + 1n, max: 2n ** 70n }).map((v) => ({ gasLimit: v })),
      fc.bigInt({ min: U256 + 1n, max: 2n ** 300n }).map((v) => ({ amount: v })),
      fc.bigInt({ min: -(2n ** 10n), max: -1n }).map((v) => ({ fee: v })),
      fc.integer({ min: 256, max: 10_000 }).map((k) => ({ kind: k })),
      fc.uint8Array({ minLength: 19, maxLength: 19 }).map((b) => ({ sender: hexOf(b) })),
      fc.constant({ recipient: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293bc' }), // bad checksum
      fc.uint8Array({ minLength: 31, maxLength: 31 }).map((b) => ({ assetId: hexOf(b) })),
    );
    fc.assert(
      fc.property(anyMessage, bad, (m, over) => {
        const broken = { ...m, ...over };
        expect(() => viemEncode(broken)).toThrow();
        expect(() => encodeMessage(broken)).toThrow(InvalidMessageError);
        expect(() => messageLeaf(broken)).toThrow(InvalidMessageError);
      }),
      { numRuns: 200 },
    );
  });
  it('rejects payloads that are not hex bytes', () => {
    expect(() => messageLeaf(sampleMessage({ payload: '0x123' }))).toThrow(InvalidMessageError);
    expect(() => messageLeaf(sampleMessage({ payload: '0xzz' }))).toThrow(InvalidMessageError);
    expect(() => messageLeaf(sampleMessage({ assetId: `0x${'zz'.repeat(32)}` }))).toThrow(InvalidMessageError);
  });
});

describe('message JSON', () => {
  it('round-trips through JSON text', () => {
    const m = sampleMessage({ kind: MessageKind.TOKEN, amount: 2n ** 200n });
    const back = interopMessageFromJson(JSON.parse(JSON.stringify(interopMessageToJson(m))));
    expect(back).toEqual({ ...m, payload: m.payload.toLowerCase() });
    expect(interopMessageToJson(m).kind).toBe('1');
  });
  it('rejects bad JSON with ProtocolDecodingError only (property)', () => {
    const good = interopMessageToJson(sampleMessage());
    expect(() => interopMessageFromJson({ ...good, nonce: '18446744073709551616' })).toThrow(ProtocolDecodingError);
    expect(() => interopMessageFromJson({ ...good, nonce: '01' })).toThrow(ProtocolDecodingError);
    expect(() => interopMessageFromJson({ ...good, kind: '2' })).toThrow(ProtocolDecodingError);
    expect(() => interopMessageFromJson({ ...good, extra: 1 })).toThrow(ProtocolDecodingError);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          interopMessageFromJson(v);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('token payload and asset id', () => {
  const payload = {
    originChainId: 31337n,
    originVault: vault,
    originToken: token,
    name: 'USD Coin',
    symbol: 'USDC',
    decimals: 6,
  } as const;
  it('encodes as abi.encode(uint256,address,address,string,string,uint8) and decodes back', () => {
    const bytes = encodeTokenPayload(payload);
    expect(bytes).toBe(
      encodeAbiParameters(
        [
          { type: 'uint256' },
          { type: 'address' },
          { type: 'address' },
          { type: 'string' },
          { type: 'string' },
          { type: 'uint8' },
        ],
        [31337n, vault, token, 'USD Coin', 'USDC', 6],
      ),
    );
    expect(decodeTokenPayload(bytes)).toEqual(payload);
  });
  it('decoding garbage throws only ProtocolDecodingError (property)', () => {
    expect(() => decodeTokenPayload('0x1234')).toThrow(ProtocolDecodingError);
    expect(() => decodeTokenPayload('nothex' as Hex)).toThrow(ProtocolDecodingError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        const hex: Hex = `0x${Buffer.from(b).toString('hex')}`;
        try {
          decodeTokenPayload(hex);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolDecodingError);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('rejects unencodable payloads', () => {
    expect(() => encodeTokenPayload({ ...payload, decimals: 256 })).toThrow(InvalidMessageError);
  });
  it('assetIdOf = keccak256(abi.encode(uint256, address, address))', () => {
    expect(assetIdOf(31337n, vault, token)).toBe(
      keccak256(
        encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }, { type: 'address' }], [31337n, vault, token]),
      ),
    );
    expect(assetIdOf(31338n, vault, token)).not.toBe(assetIdOf(31337n, vault, token));
    expect(() => assetIdOf(-1n, vault, token)).toThrow(InvalidMessageError);
  });
});
