// SigV4 signing for the load and setup scripts: @smithy/signature-v4 (what the AWS SDK for JavaScript v3 uses), service
// "ses", a fresh signature (and x-amz-date) per request. HASH=js uses @aws-crypto/sha256-js (pure JavaScript, what the
// browser SDK uses); the default is node:crypto behind the same interface, which costs the client less CPU.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 as JsSha256 } from '@aws-crypto/sha256-js';

class NodeSha256 {
  constructor(secret) { this.h = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
  reset() { throw new Error('not used'); }
}

export function signer({ accessKeyId, secretAccessKey, region = 'us-east-1' }) {
  return new SignatureV4({
    service: 'ses', region, credentials: { accessKeyId, secretAccessKey },
    sha256: process.env.HASH === 'js' ? JsSha256 : NodeSha256,
  });
}

/** Signs one request to `base` (a URL) and returns { url, method, headers, body } ready for undici or fetch. */
export async function signRequest(sig, base, method, path, body, contentType = 'application/json') {
  const url = new URL(path, base);
  const request = {
    method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname,
    query: Object.fromEntries(url.searchParams), body,
    headers: { host: url.host, ...(body !== undefined ? { 'content-type': contentType } : {}) },
  };
  const signed = await sig.sign(request);
  return { url: url.toString(), method, headers: signed.headers, body };
}
