// Closed-loop load on SES v2 SendEmail: CONCURRENCY requests in flight over keep-alive connections (undici Pool), each
// with a fresh SigV4 signature, for DURATION seconds after WARMUP seconds. Prints accepted/s, latency percentiles,
// non-200 answers by status and error type, and this client's own CPU use (process.cpuUsage).
// Environment: TARGET_URL (default http://127.0.0.1:5080), CONCURRENCY (16), DURATION (10), WARMUP (2), KEY/SECRET
// (default: the delegate's IAM user mailer from provision.jsonc), FROM, FROM_ARN, TO, LABEL.
import { Pool } from 'undici';
import { signer, signRequest } from './sign.mjs';

const target = process.env.TARGET_URL ?? 'http://127.0.0.1:5080';
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const duration = Number(process.env.DURATION ?? 10);
const warmup = Number(process.env.WARMUP ?? 2);
const sig = signer({ accessKeyId: process.env.KEY ?? 'AKIABENCHMAILERAAAA2', secretAccessKey: process.env.SECRET ?? 'benchMailerSecret000000000000000000000001' });
const from = process.env.FROM ?? 'news@bench.example';
const fromArn = process.env.FROM_ARN ?? 'arn:aws:ses:us-east-1:111111111111:identity/news@bench.example';
const to = process.env.TO ?? 'success@simulator.amazonses.com';
const pool = new Pool(target, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });

const latencies = [];
const failures = new Map();
let accepted = 0;
let measuring = false;
let stop = false;
let n = 0;

async function once() {
  const body = JSON.stringify({
    FromEmailAddress: from, FromEmailAddressIdentityArn: fromArn, Destination: { ToAddresses: [to] },
    Content: { Simple: { Subject: { Data: `load ${n++}` }, Body: { Text: { Data: 'Benchmark message.' } } } },
  });
  const r = await signRequest(sig, target, 'POST', '/v2/email/outbound-emails', body);
  const started = process.hrtime.bigint();
  const response = await pool.request({ path: '/v2/email/outbound-emails', method: 'POST', headers: r.headers, body });
  const text = await response.body.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!measuring) return;
  latencies.push(ms);
  if (response.statusCode === 200 && text.includes('MessageId')) {
    accepted++;
  } else {
    const key = `${response.statusCode} ${response.headers['x-amzn-errortype'] ?? ''} ${text.slice(0, 160)}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }
}

async function worker() {
  while (!stop) {
    try { await once(); } catch (e) { if (measuring) failures.set(`client error ${e.code ?? e.message}`, (failures.get(`client error ${e.code ?? e.message}`) ?? 0) + 1); }
  }
}

const workers = Array.from({ length: concurrency }, worker);
await new Promise(resolve => setTimeout(resolve, warmup * 1000));
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
measuring = true;
await new Promise(resolve => setTimeout(resolve, duration * 1000));
measuring = false;
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
stop = true;
await Promise.all(workers);
await pool.close();

latencies.sort((a, b) => a - b);
const pct = p => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))] : NaN;
const result = {
  label: process.env.LABEL ?? target, target, concurrency, seconds: +wall.toFixed(2), requests: latencies.length, accepted,
  acceptedPerSecond: Math.round(accepted / wall), p50ms: +pct(50).toFixed(2), p90ms: +pct(90).toFixed(2), p99ms: +pct(99).toFixed(2),
  maxMs: +(latencies.at(-1) ?? NaN).toFixed(2),
  clientCpuPercentOfOneCore: Math.round((cpu.user + cpu.system) / 1e4 / wall),
  failures: Object.fromEntries(failures),
};
console.log(JSON.stringify(result, null, 2));
