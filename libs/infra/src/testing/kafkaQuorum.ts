import { Socket } from 'node:net';

/** One voter or observer of the KRaft metadata quorum, as the active controller sees it. */
export type QuorumReplica = { replicaId: number; logEndOffset: number };

export type QuorumState = {
  /** Node id of the active controller (the Raft leader of `__cluster_metadata`). */
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
  /** The controller address that answered (the active controller: only the leader answers DescribeQuorum). */
  answeredBy: string;
};

export type DescribeQuorumParameters = {
  /** Controller listeners (`host:port`, comma-separated or a list): the CONTROLLER ports, not the broker ports. */
  controllers: string | readonly string[];
  /** Per-address connect + answer timeout (default 2 s). */
  timeoutMs?: number;
};

const API_DESCRIBE_QUORUM = 55;
const METADATA_TOPIC = '__cluster_metadata';
const ERROR_NOT_LEADER_OR_FOLLOWER = 6;

/**
 * The KRaft quorum's state (active controller, epoch, voters' log end offsets) from the DescribeQuorum API (key 55,
 * v0), which kafkajs does not implement and which only the active controller answers. kafkajs's `describeCluster()`
 * is no help here: on KRaft its `controller` is a random live broker (KIP-590), not the active controller. The same
 * request as `kafka-metadata-quorum --bootstrap-controller ... describe --status`, without starting a JVM.
 *
 * Each address is asked in turn; a follower answers NOT_LEADER_OR_FOLLOWER and the next one is tried. Rejects when
 * none answers as leader (e.g. during an election: call again).
 *
 * @example
 * const q = await describeQuorum({ controllers: '127.0.0.1:29292,127.0.0.1:29293,127.0.0.1:29294' });
 * q.leaderId; // 2
 */
export async function describeQuorum({
  controllers,
  timeoutMs = 2_000,
}: DescribeQuorumParameters): Promise<QuorumState> {
  const addresses = (typeof controllers === 'string' ? controllers.split(',') : [...controllers])
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  const problems: string[] = [];
  for (const address of addresses) {
    try {
      const state = await askOne(address, timeoutMs);
      if (state) return state;
      problems.push(`${address}: not the leader`);
    } catch (e) {
      problems.push(`${address}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`no active controller answered DescribeQuorum (${problems.join('; ')})`);
}

function encodeRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('interop-quorum');
  const topic = Buffer.from(METADATA_TOPIC);
  const parts: Buffer[] = [];
  const header = Buffer.alloc(10);
  header.writeInt16BE(API_DESCRIBE_QUORUM, 0);
  header.writeInt16BE(0, 2); // version 0 (flexible: request header v2)
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  parts.push(header, clientId, Buffer.from([0])); // header tagged fields
  parts.push(uvarint(2)); // topics: compact array of 1
  parts.push(uvarint(topic.length + 1), topic);
  parts.push(uvarint(2)); // partitions: compact array of 1
  const partition = Buffer.alloc(4);
  partition.writeInt32BE(0, 0);
  parts.push(partition, Buffer.from([0])); // partition tagged fields
  parts.push(Buffer.from([0])); // topic tagged fields
  parts.push(Buffer.from([0])); // request tagged fields
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): number {
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return Number(v);
  }
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.offset++);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) return '';
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      this.offset += this.uvarint(); // size, data
    }
  }
  compactArray<T>(item: () => T): T[] {
    const n = this.uvarint() - 1;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

function decodeResponse(payload: Buffer, correlationId: number, address: string): QuorumState | undefined {
  const r = new Reader(payload);
  if (r.int32() !== correlationId) throw new Error('correlation id mismatch');
  r.skipTaggedFields(); // response header v1
  const errorCode = r.int16();
  if (errorCode === ERROR_NOT_LEADER_OR_FOLLOWER) return undefined;
  if (errorCode !== 0) throw new Error(`DescribeQuorum error code ${errorCode}`);
  const replica = (): QuorumReplica => {
    const replicaId = r.int32();
    const logEndOffset = r.int64();
    r.skipTaggedFields();
    return { replicaId, logEndOffset };
  };
  const topics = r.compactArray(() => {
    const name = r.compactString();
    const partitions = r.compactArray(() => {
      const p = {
        partitionIndex: r.int32(),
        errorCode: r.int16(),
        leaderId: r.int32(),
        leaderEpoch: r.int32(),
        highWatermark: r.int64(),
        voters: r.compactArray(replica),
        observers: r.compactArray(replica),
      };
      r.skipTaggedFields();
      return p;
    });
    r.skipTaggedFields();
    return { name, partitions };
  });
  const partition = topics.find((t) => t.name === METADATA_TOPIC)?.partitions[0];
  if (!partition) throw new Error('no __cluster_metadata partition in the answer');
  if (partition.errorCode === ERROR_NOT_LEADER_OR_FOLLOWER) return undefined;
  if (partition.errorCode !== 0) throw new Error(`DescribeQuorum partition error code ${partition.errorCode}`);
  return {
    leaderId: partition.leaderId,
    leaderEpoch: partition.leaderEpoch,
    highWatermark: partition.highWatermark,
    voters: partition.voters,
    observers: partition.observers,
    answeredBy: address,
  };
}

function askOne(address: string, timeoutMs: number): Promise<QuorumState | undefined> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const done = (err: Error | undefined, value?: QuorumState): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (e) => done(e));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      try {
        done(undefined, decodeResponse(received.subarray(4, 4 + size), correlationId, address));
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
    socket.once('close', () => done(new Error('connection closed before an answer')));
    socket.connect(port, host, () => socket.write(encodeRequest(correlationId)));
  });
}
