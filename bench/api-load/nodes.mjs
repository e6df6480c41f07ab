// One and two console nodes on one PostgreSQL database (issue #18; docs/deployment.md#cluster-mode), beside one node on
// the embedded SQLite file, in one run on the same client: builds src/Console.Web in Release (unless NO_BUILD=1),
// starts a private PostgreSQL cluster (initdb + pg_ctl as the postgres user on PG_PORT, default 5439, in PG_DIR), and
// for each scenario — `sqlite-1` (the single-node default), `pg-1` (one node, cluster mode on), `pg-2` (two nodes,
// cluster mode on, the load split evenly) — starts the node(s) on a fresh database with provision.jsonc, runs setup.mjs,
// warms up (WARM_RUN s), then runs load.mjs (CONCURRENCY in flight in all, split over the nodes) for DURATION s and
// prints accepted/s, p50/p99 and the nodes' CPU per accepted message. The recipient is the mailbox simulator unless TO is
// set, so the figure is the accept path: SigV4, both-side policy check, the quota (decided through the database in
// cluster mode), and the durable group commit. Writes results/<date>-nodes-<label>.json.
// Environment: SCENARIOS (sqlite-1,pg-1,pg-2), DURATION (10), WARM_RUN (15), CONCURRENCY (16), PROTOCOL (v2), NO_BUILD,
// RESULT_LABEL, PG_BIN (directory of initdb/pg_ctl; found on PATH or under /usr/lib/postgresql), PG_PORT, PG_DIR.
import { spawn, execFileSync, execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, openSync, readdirSync, writeFileSync, chownSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, userInfo } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const env = process.env;
const scenarios = (env.SCENARIOS ?? 'sqlite-1,pg-1,pg-2').split(',');
const duration = Number(env.DURATION ?? 10);
const warmRun = Number(env.WARM_RUN ?? 15);
const concurrency = Number(env.CONCURRENCY ?? 16);
const protocol = env.PROTOCOL ?? 'v2';
const pgPort = Number(env.PG_PORT ?? 5439);
const pgDir = env.PG_DIR ?? '/tmp/sesconsole-bench-pg';
const work = env.DATA_DIR ?? '/tmp/sesconsole-bench-nodes';
const log = (...a) => console.error(`[nodes ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const children = [];
let stopping = false;

function pgBin() {
  if (env.PG_BIN) return env.PG_BIN;
  for (const dir of (env.PATH ?? '').split(':')) if (existsSync(join(dir, 'initdb'))) return dir;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
  throw new Error('initdb not found: apt-get install -y postgresql, or set PG_BIN');
}

const root = userInfo().uid === 0;
function asPostgres(command, args) {
  return root ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function startPostgres() {
  const bin = pgBin();
  rmSync(pgDir, { recursive: true, force: true });
  mkdirSync(pgDir, { recursive: true });
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(pgDir, uid, gid);
  }
  asPostgres(join(bin, 'initdb'), ['-D', join(pgDir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  // Durable as a production server would be (fsync and synchronous_commit on); more connections for two nodes' pools.
  asPostgres(join(bin, 'pg_ctl'), ['-D', join(pgDir, 'data'), '-l', join(pgDir, 'server.log'), '-w', '-o',
    `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB`, 'start']);
  log(`PostgreSQL (${bin}) on 127.0.0.1:${pgPort}`);
  return () => { try { asPostgres(join(bin, 'pg_ctl'), ['-D', join(pgDir, 'data'), '-m', 'fast', 'stop']); } catch { /* gone */ } };
}

function psql(sql) {
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { encoding: 'utf8' }).trim();
}

function start(name, args, dir) {
  const out = openSync(join(dir, `${name}.log`), 'a');
  const bin = env.CONSOLE_BIN ?? join(repo, 'src/Console.Web/bin/Release/net10.0');
  const child = spawn('dotnet', [join(bin, 'Console.Web.dll'), ...args], { stdio: ['ignore', out, out], cwd: bin, env: { ...env, ASPNETCORE_ENVIRONMENT: 'Production' } });
  children.push(child);
  child.on('exit', code => { if (!stopping && !child.stoppedOnPurpose) { log(`${name} exited with ${code}; see ${join(dir, `${name}.log`)}`); process.exit(1); } });
  return child;
}

async function waitFor(url, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    try { await fetch(url); return; } catch { await sleep(250); }
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function stop(child) {
  child.stoppedOnPurpose = true;
  child.kill('SIGTERM');
  return new Promise(r => child.exitCode !== null ? r() : child.on('exit', r));
}

async function loads(targets, seconds, measured) {
  const per = Math.max(1, Math.floor(concurrency / targets.length));
  const outs = await Promise.all(targets.map(t => run(process.execPath, [join(here, 'load.mjs')], {
    env: { ...env, TARGET_URL: t.url, PROTOCOL: protocol, CONCURRENCY: String(per), DURATION: String(seconds), SERVER_PID: String(t.pid),
      TO: env.TO ?? 'success@simulator.amazonses.com', LABEL: t.name }, maxBuffer: 1 << 24 })));
  const results = outs.map(o => JSON.parse(o.stdout));
  if (!measured) return null;
  const accepted = results.reduce((s, r) => s + r.accepted, 0);
  const seconds_ = Math.max(...results.map(r => r.seconds));
  const cpu = results.reduce((s, r) => s + r.serverCoresUsed * r.seconds, 0);
  return {
    acceptedPerSecond: Math.round(accepted / seconds_), p50ms: Math.max(...results.map(r => r.p50ms)), p99ms: Math.max(...results.map(r => r.p99ms)),
    serverCoresUsed: +(cpu / seconds_).toFixed(2), serverCpuMsPerAccepted: accepted ? +(cpu * 1000 / accepted).toFixed(3) : null,
    failures: Object.assign({}, ...results.map(r => r.failures)), perNode: results,
  };
}

process.on('exit', () => { stopping = true; for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } } });
process.on('SIGINT', () => process.exit(130));

if (!env.NO_BUILD) {
  log('dotnet build -c Release src/Console.Web');
  execFileSync('dotnet', ['build', '-c', 'Release', '-nologo', '-v', 'q', join(repo, 'src/Console.Web')], { stdio: 'inherit' });
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const stopPostgres = scenarios.some(s => s.startsWith('pg')) ? startPostgres() : () => {};
process.on('exit', stopPostgres);
const results = [];
let port = 5400;
try {
  for (const scenario of scenarios) {
    const [provider, count] = scenario.split('-');
    const dir = join(work, scenario);
    const pickup = join(dir, 'pickup');
    mkdirSync(pickup, { recursive: true });
    const database = scenario.replace('-', '_');
    const connection = `Host=127.0.0.1;Port=${pgPort};Username=postgres;Database=${database};Maximum Pool Size=100`;
    if (provider === 'pg') psql(`CREATE DATABASE ${database}`);
    const nodes = [];
    for (let i = 0; i < Number(count); i++) {
      const name = `node-${i + 1}`;
      const url = `http://127.0.0.1:${port++}`;
      const dataDir = join(dir, name);
      mkdirSync(dataDir, { recursive: true });
      const args = ['--urls', url, '--data-dir', dataDir, `--Mail:PickupDirectory=${pickup}`, ...(i === 0 ? ['--provision', join(here, 'provision.jsonc')] : []),
        ...(provider === 'pg' ? ['--Database:Provider=PostgreSql', `--Database:ConnectionString=${connection}`, '--Cluster:Enabled=true', `--Cluster:NodeName=${name}`] : [])];
      const child = start(name, args, dir);
      await waitFor(url, 180); // one after the other: the first migrates the new database
      nodes.push({ name, url, pid: child.pid, child });
    }
    execFileSync(process.execPath, [join(here, 'setup.mjs')], { env: { ...env, CONSOLE_URL: nodes[0].url, PICKUP_DIR: pickup }, stdio: ['ignore', 'inherit', 'inherit'] });
    log(`${scenario}: warm-up ${warmRun} s`);
    if (warmRun > 0) await loads(nodes, warmRun, false);
    log(`${scenario}: measured ${duration} s, ${concurrency} in flight over ${nodes.length} node(s)`);
    const result = { scenario, ...(await loads(nodes, duration, true)) };
    results.push(result);
    log(`${scenario}: ${result.acceptedPerSecond}/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, ${result.serverCpuMsPerAccepted} ms CPU per accepted message`);
    for (const n of nodes) await stop(n.child);
  }
} finally {
  stopPostgres();
}

const machine = { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map(l => +l.toFixed(2)) };
console.log('\n| Scenario | Accepted/s | p50 / p99 | Server CPU per accepted | Ratio to sqlite-1 |\n| --- | ---: | ---: | ---: | ---: |');
const base = results.find(r => r.scenario === 'sqlite-1')?.acceptedPerSecond;
for (const r of results) {
  console.log(`| ${r.scenario} | ${r.acceptedPerSecond} | ${r.p50ms} / ${r.p99ms} ms | ${r.serverCpuMsPerAccepted} ms | ${base ? (r.acceptedPerSecond / base).toFixed(2) : '-'} |`);
}
console.log(`\nmachine: ${JSON.stringify(machine)}`);
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `${new Date().toISOString().slice(0, 10)}-nodes-${env.RESULT_LABEL ?? 'run'}.json`);
writeFileSync(file, JSON.stringify({ machine, protocol, concurrency, duration, results }, null, 2));
log(`wrote ${file}`);
