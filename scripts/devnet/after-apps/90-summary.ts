/**
 * Last devnet step: prints where everything runs. Later steps add their own rows by appending `KEY=value` lines to
 * $DEVNET_ENV_FILE (e.g. contract addresses); every such line is listed under "from the devnet steps".
 */
import { existsSync, readFileSync } from 'node:fs';

const env = process.env;
const pairs = (s: string | undefined): [string, string][] =>
  (s ?? '')
    .split(',')
    .filter((p) => p.includes('='))
    .map((p) => p.split('=', 2) as [string, string]);
const safe = (url: string | undefined): string => (url ?? '?').replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

const rows: [string, string, string][] = [
  ['hub', env.HUB_URL ?? '?', `${env.HUB_URL}/docs  ${env.HUB_URL}/health`],
  ...pairs(env.CHAIN_APP_URLS).map(([id, url]): [string, string, string] => [
    `chain app ${id}`,
    url,
    `${url}/docs  ${url}/health`,
  ]),
  ['bridge', env.BRIDGE_URL ?? '?', `${env.BRIDGE_URL}/docs  ${env.BRIDGE_URL}/health`],
  ['L1 RPC (chain 900)', env.L1_RPC_URL ?? '?', 'anvil'],
  ...pairs(env.L2_RPC_URLS).map(([id, url]): [string, string, string] => [`L2 RPC (chain ${id})`, url, 'anvil']),
  ['Kafka', env.KAFKA_BROKERS ?? '?', 'KAFKA_BROKERS'],
  ['Postgres', safe(env.DATABASE_URL), 'DATABASE_URL'],
  ['logs', env.DEVNET_LOG_DIR ?? '.devnet/logs', 'one file per app'],
];
const file = env.DEVNET_ENV_FILE;
if (file && existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    // Long values (CHAINS_JSON) would stretch every row: show their start; the whole line is in the env file.
    if (m) rows.push([m[1]!, m[2]!.length > 72 ? `${m[2]!.slice(0, 69)}...` : m[2]!, 'from the devnet steps']);
  }
}
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
const out = [
  '',
  `${'what'.padEnd(w0)}  ${'where'.padEnd(w1)}  notes`,
  `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  -----`,
  ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
  '',
];
process.stdout.write(out.join('\n') + '\n');
