// Closed-loop load on SES SendEmail (v2 REST-JSON, or v1 Query with PROTOCOL=v1; PROTOCOL=v2-template sends v2 SendEmail
// with Content.Template naming the stored template TEMPLATE, PROTOCOL=v2-bulk v2 SendBulkEmail with BULK destinations of that
// template, and counts accepted *messages*, the SUCCESS entries): CONCURRENCY requests in flight over keep-alive connections (undici Pool), each
// with a fresh SigV4 signature, for DURATION seconds after WARMUP seconds. Prints accepted/s, latency percentiles,
// non-200 answers by status and error type, and this client's own CPU use (process.cpuUsage).
// Environment: TARGET_URL (default http://127.0.0.1:5080), CONCURRENCY (16), DURATION (10), WARMUP (2), KEY/SECRET
// (default: the delegate's IAM user mailer from provision.jsonc), FROM, FROM_ARN, TO, LABEL, PROTOCOL (v2 | v1).
// v1 is what the AWS SDK v1 clients send: POST / form-encoded Action=SendEmail&Version=2010-12-01&…, with SourceArn
// naming the owner's identity (the delegate case; SendEmail has no FromArn, that is SendRawEmail's), answered in XML.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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
const protocol = process.env.PROTOCOL ?? 'v2';
if (!['v2', 'v1', 'v2-template', 'v2-bulk'].includes(protocol)) throw new Error(`PROTOCOL must be v2, v1, v2-template or v2-bulk, not ${protocol}`);
const template = process.env.TEMPLATE ?? 'bench-welcome';
const bulk = Number(process.env.BULK ?? 50);
// SERVER_PID: the server's process; its CPU (utime+stime from /proc/<pid>/stat) over the measured window is reported
// per accepted message.
const serverPid = process.env.SERVER_PID;
const clockTicks = serverPid ? Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) : 100;
const serverCpu = () => {
  const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
};
const pool = new Pool(target, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });

const latencies = [];
const failures = new Map();
let accepted = 0; // messages (a bulk call accepts up to BULK)
let calls = 0;
let measuring = false;
let stop = false;
let n = 0;

function v2Request() {
  const body = JSON.stringify({
    FromEmailAddress: from, FromEmailAddressIdentityArn: fromArn, Destination: { ToAddresses: [to] },
    Content: { Simple: { Subject: { Data: `load ${n++}` }, Body: { Text: { Data: 'Benchmark message.' } } } },
  });
  return { path: '/v2/email/outbound-emails', body, contentType: 'application/json', ok: text => text.includes('MessageId') };
}

function v1Request() {
  const body = new URLSearchParams({
    Action: 'SendEmail', Version: '2010-12-01', Source: from, SourceArn: fromArn, 'Destination.ToAddresses.member.1': to,
    'Message.Subject.Data': `load ${n++}`, 'Message.Body.Text.Data': 'Benchmark message.',
  }).toString();
  return { path: '/', body, contentType: 'application/x-www-form-urlencoded; charset=utf-8', ok: text => text.includes('<MessageId>') };
}

// v2 SendEmail with a stored template of the sender's (delegate's) account: one message per request.
function v2TemplateRequest() {
  const body = JSON.stringify({
    FromEmailAddress: from, FromEmailAddressIdentityArn: fromArn, Destination: { ToAddresses: [to] },
    Content: { Template: { TemplateName: template, TemplateData: JSON.stringify({ name: `reader ${n++}` }) } },
  });
  return { path: '/v2/email/outbound-emails', body, contentType: 'application/json', ok: text => text.includes('MessageId') ? 1 : 0 };
}

// v2 SendBulkEmail: BULK destinations per request, each with its own data; the messages accepted are the SUCCESS entries.
function v2BulkRequest() {
  const body = JSON.stringify({
    FromEmailAddress: from, FromEmailAddressIdentityArn: fromArn,
    DefaultContent: { Template: { TemplateName: template, TemplateData: '{"name":"reader"}' } },
    BulkEmailEntries: Array.from({ length: bulk }, () => ({
      Destination: { ToAddresses: [to] },
      ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify({ name: `reader ${n++}` }) } },
    })),
  });
  return { path: '/v2/email/outbound-bulk-emails', body, contentType: 'application/json', ok: text => text.split('"SUCCESS"').length - 1 };
}

const requestFor = { v1: v1Request, v2: v2Request, 'v2-template': v2TemplateRequest, 'v2-bulk': v2BulkRequest }[protocol];

async function once() {
  const { path, body, contentType, ok } = requestFor();
  const r = await signRequest(sig, target, 'POST', path, body, contentType);
  const started = process.hrtime.bigint();
  const response = await pool.request({ path, method: 'POST', headers: r.headers, body });
  const text = await response.body.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!measuring) return;
  latencies.push(ms);
  const messages = response.statusCode === 200 ? Number(ok(text)) : 0;
  if (messages > 0) {
    accepted += messages;
    calls++;
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
const server0 = serverPid ? serverCpu() : 0;
const t0 = process.hrtime.bigint();
measuring = true;
await new Promise(resolve => setTimeout(resolve, duration * 1000));
measuring = false;
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const server = serverPid ? serverCpu() - server0 : NaN;
stop = true;
await Promise.all(workers);
await pool.close();

latencies.sort((a, b) => a - b);
const pct = p => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))] : NaN;
const result = {
  label: process.env.LABEL ?? target, target, protocol, concurrency, seconds: +wall.toFixed(2), requests: latencies.length, accepted,
  acceptedPerSecond: Math.round(accepted / wall), callsPerSecond: Math.round(calls / wall), p50ms: +pct(50).toFixed(2), p90ms: +pct(90).toFixed(2), p99ms: +pct(99).toFixed(2),
  maxMs: +(latencies.at(-1) ?? NaN).toFixed(2),
  clientCpuPercentOfOneCore: Math.round((cpu.user + cpu.system) / 1e4 / wall),
  ...(serverPid ? { serverCoresUsed: +(server / wall).toFixed(2), serverCpuMsPerAccepted: accepted ? +(server * 1000 / accepted).toFixed(3) : null } : {}),
  failures: Object.fromEntries(failures),
};
console.log(JSON.stringify(result, null, 2));
