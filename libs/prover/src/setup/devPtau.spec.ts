// The dev ptau generator against snarkjs itself: its prepared sections are byte for byte those of snarkjs's own
// `preparePhase2` over the same powers, a circuit set up from it proves and verifies, and the zkey does not depend on
// which power's file was used (so one cached file of the largest power serves every shape).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import * as snarkjs from 'snarkjs';

import { releaseSnarkjs } from '../testing/releaseSnarkjs';
import { devToxicWaste, writeDevPtau } from './devPtau';

jest.setTimeout(5 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'devptau-'));
afterAll(releaseSnarkjs);

/** The sections of a binfileutils file: type -> bytes. */
function sections(file: string): Map<number, Buffer> {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 4).toString()).toBe('ptau');
  const m = new Map<number, Buffer>();
  let p = 12;
  for (let i = 0; i < buf.readUInt32LE(8); i++) {
    const size = Number(buf.readBigUInt64LE(p + 4));
    m.set(buf.readUInt32LE(p), buf.subarray(p + 12, p + 12 + size));
    p += 12 + size;
  }
  return m;
}

/** A binfileutils file of the given sections, in order. */
function writeSections(file: string, secs: [number, Buffer][]): void {
  const head = Buffer.alloc(12);
  head.write('ptau', 0, 'ascii');
  head.writeUInt32LE(1, 4);
  head.writeUInt32LE(secs.length, 8);
  const parts: Buffer[] = [head];
  for (const [id, data] of secs) {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(id);
    h.writeBigUInt64LE(BigInt(data.length), 4);
    parts.push(h, data);
  }
  writeFileSync(file, Buffer.concat(parts));
}

it('derives its toxic waste from public strings (deterministic, INSECURE on purpose)', () => {
  expect(devToxicWaste()).toEqual(devToxicWaste());
  const { tau, alpha, beta } = devToxicWaste();
  expect(new Set([tau, alpha, beta]).size).toBe(3);
});

it("writes exactly the sections snarkjs's preparePhase2 computes from the same powers of tau", async () => {
  const ours = path.join(dir, 'dev7.ptau');
  await writeDevPtau(ours, 7);
  const mine = sections(ours);
  expect([...mine.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
  // snarkjs prepares sections 1-7 of our file itself (its point IFFT), and must land on the same bytes.
  const unprepared = path.join(dir, 'unprepared7.ptau');
  writeSections(
    unprepared,
    [1, 2, 3, 4, 5, 6, 7].map((id) => [id, mine.get(id)!] as [number, Buffer]),
  );
  const theirsFile = path.join(dir, 'snarkjs7.ptau');
  await snarkjs.powersOfTau.preparePhase2(unprepared, theirsFile);
  const theirs = sections(theirsFile);
  for (const id of [1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]) expect(mine.get(id)!.equals(theirs.get(id)!)).toBe(true);
});

it('sets up a circuit that proves and verifies, with the same zkey from the file of any larger power', async () => {
  // A tiny circuit (10 multiplications, one public input) compiled with the repo's circom2.
  const circuit = path.join(dir, 'mul.circom');
  writeFileSync(
    circuit,
    'pragma circom 2.1.0;\ntemplate Mul(N) { signal input a[N]; signal input b; signal output c[N];\n' +
      '  for (var i = 0; i < N; i++) { c[i] <== a[i] * b; } }\ncomponent main {public [b]} = Mul(10);\n',
  );
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'circom2', 'cli.js'),
      path.relative('/', circuit),
      '--r1cs',
      '--wasm',
      '-o',
      path.relative('/', dir),
    ],
    { cwd: '/', encoding: 'utf8' },
  );
  expect(res.status).toBe(0);
  const r1cs = path.join(dir, 'mul.r1cs');
  const wasm = path.join(dir, 'mul_js', 'mul.wasm');
  await writeDevPtau(path.join(dir, 'dev6.ptau'), 6);
  const z6 = path.join(dir, 'mul6.zkey');
  const z7 = path.join(dir, 'mul7.zkey');
  await snarkjs.zKey.newZKey(r1cs, path.join(dir, 'dev6.ptau'), z6);
  await snarkjs.zKey.newZKey(r1cs, path.join(dir, 'dev7.ptau'), z7);
  expect(readFileSync(z6).equals(readFileSync(z7))).toBe(true);
  const input = { a: Array.from({ length: 10 }, (_, i) => String(i + 1)), b: '7' };
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, z6);
  const vkey = await snarkjs.zKey.exportVerificationKey(z6);
  expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
  // ... and only for its own statement.
  const other = [...publicSignals];
  other[other.length - 1] = '8';
  expect(await snarkjs.groth16.verify(vkey, other, proof)).toBe(false);
});
