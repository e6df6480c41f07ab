// Prepares a console started with provision.jsonc for load.mjs, through the public API only: the owner (111111111111)
// creates the email identity news@bench.example, the script clicks the verification link the console mailed (read from
// the local sink's pickup directory), then attaches a sending authorization policy that lets the delegate account
// (222222222222) send as it. Idempotent. Environment: CONSOLE_URL (default http://127.0.0.1:5080), PICKUP_DIR (required:
// DATADIR/pickup when the console runs with --Mail:PickupDirectory=pickup).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signer, signRequest } from './sign.mjs';

const base = process.env.CONSOLE_URL ?? 'http://127.0.0.1:5080';
const pickup = process.env.PICKUP_DIR ?? (() => { throw new Error('set PICKUP_DIR to the console\'s DATADIR/pickup'); })();
const owner = signer({ accessKeyId: 'AKIABENCHOWNERAAAAA2', secretAccessKey: 'benchOwnerSecret0000000000000000000000001' });
const identity = 'news@bench.example';
const arn = `arn:aws:ses:us-east-1:111111111111:identity/${identity}`;

async function call(method, path, body) {
  const r = await signRequest(owner, base, method, path, body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(r.url, { method, headers: r.headers, body: r.body });
  return { status: response.status, type: response.headers.get('x-amzn-errortype'), json: await response.json().catch(() => ({})) };
}

const created = await call('POST', '/v2/email/identities', { EmailIdentity: identity });
if (created.status !== 200 && created.type !== 'AlreadyExistsException') throw new Error(`CreateEmailIdentity: ${JSON.stringify(created)}`);

let got = await call('GET', `/v2/email/identities/${encodeURIComponent(identity)}`);
if (got.json.VerificationStatus !== 'SUCCESS') {
  const files = (await readdir(pickup)).filter(f => f.endsWith('.eml')).sort().reverse();
  let link;
  for (const file of files) {
    const mime = (await readFile(join(pickup, file), 'utf8')).replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    if (mime.includes(identity)) { link = mime.match(/https?:\/\/[^\s"<>]+verify-email\?token=[^\s"<>]+/)?.[0]; if (link) break; }
  }
  if (!link) throw new Error(`no verification mail for ${identity} in ${pickup}`);
  const clicked = await fetch(link);
  if (!clicked.ok) throw new Error(`verification link answered ${clicked.status}`);
  got = await call('GET', `/v2/email/identities/${encodeURIComponent(identity)}`);
}
if (got.json.VerificationStatus !== 'SUCCESS') throw new Error(`identity not verified: ${JSON.stringify(got)}`);

const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'BenchDelegate', Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::222222222222:root' },
  // SendEmail for the plain sends; the templated and bulk actions for PROTOCOL=v2-template / v2-bulk (docs/templates.md#bulk-sending).
  Action: ['ses:SendEmail', 'ses:SendTemplatedEmail', 'ses:SendBulkTemplatedEmail', 'ses:SendBulkEmail'], Resource: arn }] });
const path = `/v2/email/identities/${encodeURIComponent(identity)}/policies/BenchDelegate`;
let put = await call('POST', path, { Policy: policy });
if (put.type === 'AlreadyExistsException') put = await call('PUT', path, { Policy: policy });
if (put.status !== 200) throw new Error(`policy: ${JSON.stringify(put)}`);
console.log(`ready: ${identity} verified, policy BenchDelegate lets 222222222222 send as ${arn}`);
