import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** The anvil binary shipped by the npm package `@foundry-rs/anvil-linux-amd64` (or `ANVIL_BIN`). */
export function anvilBinary(): string {
  const fromEnv = process.env.ANVIL_BIN;
  if (fromEnv) return fromEnv;
  return join(dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type StartAnvilParameters = {
  chainId: number;
  port?: number;
  /** Seconds between blocks; omitted = automine (a block per transaction). */
  blockTime?: number;
  /** Block gas limit (anvil's default is 30M); the load benchmark raises it so blocks are not the limit. */
  gasLimit?: bigint;
  /** Time to wait for the RPC to answer. */
  timeoutMs?: number;
};

export type AnvilInstance = {
  chainId: number;
  port: number;
  rpcUrl: string;
  process: ChildProcess;
  stop: () => Promise<void>;
};

/** anvil's default mnemonic accounts ("test test ... junk"): index 0 is the deployer in tests. */
export const ANVIL_PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
] as const;

/**
 * Starts a real anvil node on 127.0.0.1 and resolves once its JSON-RPC answers `eth_chainId` with the right id.
 * Tests start one per file (about 100 ms) so that no test depends on another's chain state.
 */
export async function startAnvil({
  chainId,
  port,
  blockTime,
  gasLimit,
  timeoutMs = 15_000,
}: StartAnvilParameters): Promise<AnvilInstance> {
  const listenPort = port ?? (await freePort());
  const args = ['--host', '127.0.0.1', '--port', String(listenPort), '--chain-id', String(chainId), '--silent'];
  if (blockTime !== undefined) args.push('--block-time', String(blockTime));
  if (gasLimit !== undefined) args.push('--gas-limit', gasLimit.toString());
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const rpcUrl = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result && Number(body.result) === chainId) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil on ${rpcUrl} did not answer within ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  return { chainId, port: listenPort, rpcUrl, process: child, stop };
}
