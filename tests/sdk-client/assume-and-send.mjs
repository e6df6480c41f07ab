// Assumes a role through SesConsole's STS API with @aws-sdk/client-sts, then sends with the session credentials through
// @aws-sdk/client-sesv2; prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET (a long-term key), ROLE_ARN (a role the key may assume),
// DENIED_ROLE_ARN (one it may not), SES_FROM, SES_FROM_ARN (an identity whose policy lets the role send).
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

const base = { endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1 };
const longTerm = { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET };
const sts = new STSClient({ ...base, credentials: longTerm });
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const send = (credentials) => new SESv2Client({ ...base, credentials }).send(new SendEmailCommand({
  FromEmailAddress: process.env.SES_FROM, FromEmailAddressIdentityArn: process.env.SES_FROM_ARN,
  Destination: { ToAddresses: ['reader@customer.example'] },
  Content: { Simple: { Subject: { Data: 'from a role' }, Body: { Text: { Data: 'sent with session credentials' } } } } }));

await step('callerBefore', async () => (await sts.send(new GetCallerIdentityCommand({}))).Arn);
let session;
await step('assume', async () => {
  const r = await sts.send(new AssumeRoleCommand({ RoleArn: process.env.ROLE_ARN, RoleSessionName: 'sdk-session', DurationSeconds: 900 }));
  session = { accessKeyId: r.Credentials.AccessKeyId, secretAccessKey: r.Credentials.SecretAccessKey, sessionToken: r.Credentials.SessionToken };
  return { arn: r.AssumedRoleUser.Arn, id: r.AssumedRoleUser.AssumedRoleId, keyId: r.Credentials.AccessKeyId,
    seconds: Math.round((r.Credentials.Expiration.getTime() - Date.now()) / 1000) };
});
await step('callerAfter', async () => (await new STSClient({ ...base, credentials: session }).send(new GetCallerIdentityCommand({}))).Arn);
await step('send', async () => (await send(session)).MessageId);
await step('denied', async () => sts.send(new AssumeRoleCommand({ RoleArn: process.env.DENIED_ROLE_ARN, RoleSessionName: 'sdk-session' })));
await step('badSessionName', async () => sts.send(new AssumeRoleCommand({ RoleArn: process.env.ROLE_ARN, RoleSessionName: 'bad name' })));
await step('forged', async () => send({ ...session, sessionToken: session.sessionToken.slice(0, -4) + 'AAAA' }));
await step('sessionToken', async () => {
  const r = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  return (await new STSClient({ ...base, credentials: { accessKeyId: r.Credentials.AccessKeyId, secretAccessKey: r.Credentials.SecretAccessKey,
    sessionToken: r.Credentials.SessionToken } }).send(new GetCallerIdentityCommand({}))).Arn;
});
console.log(JSON.stringify(out));
