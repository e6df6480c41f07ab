// One command for the side-by-side comparison (see README.md, "compare.mjs"): builds the console in Release (unless
// NO_BUILD=1), starts it on a fresh data directory with provision.jsonc and the local sink, runs setup.mjs, starts
// aws-ses-v2-local, then runs load.mjs against both servers, alternating, ROUNDS times for each protocol (v2 and v1).
// For each run it records the load result plus the server's CPU per accepted message (utime+stime of the server
// process from /proc/<pid>/stat over load.mjs's measured window, SERVER_PID); for the console also delivered/s during the run (outbox rows leaving Pending), the
// backlog at the end and how long it takes to drain (the next run starts only once it has drained, so that delivery
// never competes with the other server's run). At the end: bytes per accepted message per table (SQLite dbstat).
// Prints a table and writes everything to results/<date>-compare-<label>.json.
// Environment: ROUNDS (2), WARM_RUN (20 s of unmeasured load per server and protocol first), DURATION (10), WARMUP (2), CONCURRENCY (16),
// PROTOCOLS (v2,v1; add v2-template and v2-bulk for templated SendEmail and SendBulkEmail with BULK (50) destinations, in messages/s), NO_BUILD, RESULT_LABEL,
// CONSOLE_BIN (another build's bin/Release/net10.0, e.g. of the commit before a change), CONSOLE_PORT (5380), PEER_PORT (5381), DATA_DIR (/tmp/sesconsole-bench), DRAIN_TIMEOUT (600 s), TRACE (seconds: run
// dotnet-trace on the console during its first v2 run; needs DOTNET_TRACE, the dotnet-trace executable).
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync, writeFileSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { signer, signRequest } from './sign.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const env = process.env;
const rounds = Number(env.ROUNDS ?? 2);
const protocols = (env.PROTOCOLS ?? 'v2,v1').split(',');
const consolePort = Number(env.CONSOLE_PORT ?? 5380);
const peerPort = Number(env.PEER_PORT ?? 5381);
const dataDir = env.DATA_DIR ?? '/tmp/sesconsole-bench';
const db = join(dataDir, 'sesconsole.db');
const drainTimeout = Number(env.DRAIN_TIMEOUT ?? 600);
const children = [];
const log = (...a) => console.error(`[compare ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = ms => new Promise(r => setTimeout(r, ms));

function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

function sql(query) {
  return execFileSync('sqlite3', ['-readonly', db, query], { encoding: 'utf8' }).trim();
}

function outbox() {
  const [pending, done] = sql('SELECT (SELECT count(*) FROM OutboxMessages WHERE Status = 1), (SELECT count(*) FROM OutboxMessages WHERE Status <> 1);')
    .split('|').map(Number);
  return { pending, done };
}

function start(name, command, args, options) {
  const out = openSync(join(dataDir, `${name}.log`), 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out], ...options });
  children.push(child);
  child.on('exit', code => { if (!stopping) { log(`${name} exited with ${code}; see ${join(dataDir, `${name}.log`)}`); process.exit(1); } });
  return child;
}

async function waitFor(url, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    try { await fetch(url); return; } catch { await sleep(250); }
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

// A real recipient (not the mailbox simulator, whose messages never reach the outbox), so that the console builds and
// delivers every message to the local sink (the pickup directory). TO overrides it.
const to = env.TO ?? 'reader@example.com';

function load(label, url, protocol, pid) {
  const out = execFileSync(process.execPath, [join(here, 'load.mjs')], {
    env: { ...env, TO: to, LABEL: label, TARGET_URL: url, PROTOCOL: protocol, SERVER_PID: String(pid) }, encoding: 'utf8', maxBuffer: 1 << 24,
  });
  return JSON.parse(out);
}

let stopping = false;
function stopAll() {
  stopping = true;
  for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } }
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

if (!env.NO_BUILD) {
  log('dotnet build -c Release src/Console.Web');
  execFileSync('dotnet', ['build', '-c', 'Release', '-nologo', '-v', 'q', join(repo, 'src/Console.Web')], { stdio: 'inherit' });
}

rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const bin = env.CONSOLE_BIN ?? join(repo, 'src/Console.Web/bin/Release/net10.0');
const consoleUrl = `http://127.0.0.1:${consolePort}`;
const peerUrl = `http://127.0.0.1:${peerPort}`;
log(`console (Release) on ${consoleUrl}, data directory ${dataDir}`);
const server = start('console', 'dotnet', [join(bin, 'Console.Web.dll'), '--urls', consoleUrl, '--data-dir', dataDir,
  '--provision', join(here, 'provision.jsonc'), '--Mail:PickupDirectory=pickup'], { cwd: bin, env: { ...env, ASPNETCORE_ENVIRONMENT: 'Production' } });
await waitFor(consoleUrl, 180);
execFileSync(process.execPath, [join(here, 'setup.mjs')], { env: { ...env, CONSOLE_URL: consoleUrl, PICKUP_DIR: join(dataDir, 'pickup') }, stdio: ['ignore', 'inherit', 'inherit'] });
const idleRssMb = rssMb(server.pid);

log(`aws-ses-v2-local on ${peerUrl}`);
const peer = start('aws-ses-v2-local', process.execPath, [join(here, 'node_modules/aws-ses-v2-local/dist/cli.js'), '--port', String(peerPort)], { cwd: dataDir });
await waitFor(`${peerUrl}/health-check`, 60);

// PROTOCOLS with v2-template / v2-bulk: the delegate's stored template TEMPLATE on both servers (v2 CreateEmailTemplate as
// the delegate's user mailer; the peer checks no signature). A console without the template API gets the row through sqlite3.
const template = env.TEMPLATE ?? 'bench-welcome';
if (protocols.some(p => p.startsWith('v2-'))) {
  const mailer = signer({ accessKeyId: 'AKIABENCHMAILERAAAA2', secretAccessKey: 'benchMailerSecret000000000000000000000001' });
  const content = { Subject: 'Hello {{name}}', Text: 'Dear {{name}},\n\nthis is a benchmark message.\n', Html: '<p>Dear {{name}},</p><p>this is a benchmark message.</p>' };
  for (const url of [consoleUrl, peerUrl]) {
    const r = await signRequest(mailer, url, 'POST', '/v2/email/templates', JSON.stringify({ TemplateName: template, TemplateContent: content }));
    const answer = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
    const type = answer.headers.get('x-amzn-errortype');
    log(`CreateEmailTemplate ${template} on ${url}: ${answer.status} ${type ?? ''}`);
    if (answer.status !== 200 && type !== 'AlreadyExistsException') {
      if (url !== consoleUrl) throw new Error(`CreateEmailTemplate on ${url}: ${answer.status} ${await answer.text()}`);
      const now = new Date().toISOString();
      execFileSync('sqlite3', [db, `INSERT INTO EmailTemplates (Id, AccountId, Region, Name, Subject, Text, Html, Version, CreatedAt, UpdatedAt) VALUES ('${crypto.randomUUID().toUpperCase()}', '222222222222', 'us-east-1', '${template}', '${content.Subject}', '${content.Text.replace(/'/g, "''")}', '${content.Html}', 1, '${now}', '${now}');`]);
      log(`  inserted ${template} through sqlite3 instead`);
    }
  }
}

async function drain() {
  const t0 = Date.now();
  let last = outbox();
  while (last.pending > 0 && Date.now() - t0 < drainTimeout * 1000) {
    await sleep(250);
    last = outbox();
  }
  return { seconds: +((Date.now() - t0) / 1000).toFixed(2), pendingLeft: last.pending };
}

async function measure(kind, protocol, round) {
  const isConsole = kind === 'sesconsole';
  const pid = isConsole ? server.pid : peer.pid;
  const box0 = isConsole ? outbox() : null;
  const t0 = Date.now();
  let trace;
  if (isConsole && env.TRACE && protocol === 'v2' && round === 1) {
    const file = join(dataDir, `console-${protocol}.nettrace`);
    trace = spawn(env.DOTNET_TRACE ?? 'dotnet-trace', ['collect', '-p', String(pid), '--duration', `00:00:00:${String(env.TRACE).padStart(2, '0')}`, '-o', file, '--profile', 'dotnet-sampled-thread-time'], { stdio: 'ignore' });
    log(`tracing ${env.TRACE} s into ${file}`);
  }
  const result = load(kind, isConsole ? consoleUrl : peerUrl, protocol, pid);
  const wall = (Date.now() - t0) / 1000;
  if (trace) await new Promise(r => trace.on('exit', r));
  Object.assign(result, { round, serverRssMb: rssMb(pid) });
  if (isConsole) {
    const box1 = outbox();
    result.deliveredPerSecond = Math.round((box1.done - box0.done) / wall);
    result.backlogAtEnd = box1.pending;
    const drained = await drain();
    result.drainSeconds = drained.seconds;
    result.backlogLeftAfterDrainTimeout = drained.pendingLeft;
  }
  return result;
}

// Warm-up, not measured: WARM_RUN seconds of load on each server and protocol, so that the console's JIT reaches its
// optimized code (tiered compilation needs tens of thousands of calls on the hot path) before the measured rounds.
const warmRun = Number(env.WARM_RUN ?? 20);
if (warmRun > 0) {
  for (const protocol of protocols) {
    for (const [kind, url, pid] of [['sesconsole', consoleUrl, server.pid], ['aws-ses-v2-local', peerUrl, peer.pid]]) {
      log(`warm-up ${protocol} ${kind} ${warmRun} s`);
      execFileSync(process.execPath, [join(here, 'load.mjs')], { env: { ...env, TO: to, DURATION: String(warmRun), TARGET_URL: url, PROTOCOL: protocol, SERVER_PID: String(pid) }, encoding: 'utf8' });
    }
  }
  await drain();
}

const runs = [];
for (let round = 1; round <= rounds; round++) {
  for (const protocol of protocols) {
    // Alternate which server goes first, so that neither always runs on the warmer (or noisier) half.
    const order = round % 2 === 1 ? ['sesconsole', 'aws-ses-v2-local'] : ['aws-ses-v2-local', 'sesconsole'];
    const pair = {};
    for (const kind of order) {
      log(`round ${round} ${protocol} ${kind} (load average ${loadavg().map(l => l.toFixed(2)).join(' ')})`);
      pair[kind] = await measure(kind, protocol, round);
      const m = pair[kind];
      log(`  ${m.acceptedPerSecond}/s p50 ${m.p50ms} p99 ${m.p99ms} ms, ${m.serverCpuMsPerAccepted} ms CPU/msg${m.backlogAtEnd !== undefined ? `, delivered ${m.deliveredPerSecond}/s, backlog ${m.backlogAtEnd} drained in ${m.drainSeconds} s` : ''}`);
    }
    const c = pair.sesconsole, p = pair['aws-ses-v2-local'];
    runs.push({ round, protocol, ratio: +(c.acceptedPerSecond / p.acceptedPerSecond).toFixed(2), sesconsole: c, awsSesV2Local: p, loadAverage: loadavg() });
  }
}

// Bytes per accepted message per table (dbstat: pages in use, payload), over every message the console accepted.
const acceptedTotal = Number(sql('SELECT count(*) FROM SendAttempts WHERE Accepted = 1;'));
const tables = sql("SELECT name, sum(pgsize), sum(payload) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC;")
  .split('\n').map(l => l.split('|')).map(([name, pages, payload]) => ({ name, bytes: Number(pages), payloadBytes: Number(payload),
    bytesPerAccepted: acceptedTotal ? Math.round(Number(pages) / acceptedTotal) : null }))
  .filter(t => t.bytes > 0);

const summary = {
  date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, node: process.version,
  dotnet: execFileSync('dotnet', ['--version'], { encoding: 'utf8' }).trim(), commit: execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  to, duration: Number(env.DURATION ?? 10), concurrency: Number(env.CONCURRENCY ?? 16), consoleIdleRssMb: idleRssMb,
  runs, acceptedTotal, databaseBytes: tables.reduce((s, t) => s + t.bytes, 0), tables,
};

const row = (r, k) => `${String(r[k].acceptedPerSecond).padStart(6)}/s p50 ${String(r[k].p50ms).padStart(6)} p99 ${String(r[k].p99ms).padStart(6)} ms cpu ${String(r[k].serverCpuMsPerAccepted).padStart(6)} ms/msg`;
console.log(`\n${summary.date}  ${summary.machine}  commit ${summary.commit}  ${summary.duration} s x ${summary.concurrency} in flight`);
for (const r of runs) {
  console.log(`round ${r.round} ${r.protocol}  ratio ${r.ratio.toFixed(2)}  load ${r.loadAverage.map(l => l.toFixed(1)).join('/')}`);
  console.log(`  sesconsole        ${row(r, 'sesconsole')}  delivered ${r.sesconsole.deliveredPerSecond}/s backlog ${r.sesconsole.backlogAtEnd} drained in ${r.sesconsole.drainSeconds} s${r.sesconsole.failures && Object.keys(r.sesconsole.failures).length ? ' FAILURES ' + JSON.stringify(r.sesconsole.failures) : ''}`);
  console.log(`  aws-ses-v2-local  ${row(r, 'awsSesV2Local')}${Object.keys(r.awsSesV2Local.failures).length ? ' FAILURES ' + JSON.stringify(r.awsSesV2Local.failures) : ''}`);
}
console.log(`bytes per accepted message (${acceptedTotal} accepted), by table/index:`);
for (const t of tables.slice(0, 14)) console.log(`  ${t.name.padEnd(44)} ${String(t.bytesPerAccepted).padStart(7)} B (${(t.bytes / 1048576).toFixed(1)} MB)`);
console.log(`  ${'total'.padEnd(44)} ${String(Math.round(summary.databaseBytes / Math.max(1, acceptedTotal))).padStart(7)} B`);

const file = join(here, 'results', `${summary.date.slice(0, 10)}-compare-${env.RESULT_LABEL ?? summary.date.slice(11, 16).replace(':', '')}.json`);
writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
console.log(`written ${file}`);
stopAll();
process.exit(0);
