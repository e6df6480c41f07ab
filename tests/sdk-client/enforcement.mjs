// Account enforcement through the real AWS SDKs (docs/reputation.md#enforcement); prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, DELEGATE_KEY, DELEGATE_SECRET, OWNER_KEY, OWNER_SECRET, IDENTITY_ARN, FROM,
// PHASE ("paused": the delegate is paused; "resumed": an admin resumed it).
import { SESv2Client, SendEmailCommand, GetAccountCommand, PutAccountSendingAttributesCommand } from '@aws-sdk/client-sesv2';
import { SESClient, SendEmailCommand as V1SendEmail, GetAccountSendingEnabledCommand, UpdateAccountSendingEnabledCommand } from '@aws-sdk/client-ses';

const base = { endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1 };
const clients = (key, secret) => {
  const config = { ...base, credentials: { accessKeyId: key, secretAccessKey: secret } };
  return { v1: new SESClient(config), v2: new SESv2Client(config) };
};
const delegate = clients(process.env.DELEGATE_KEY, process.env.DELEGATE_SECRET);
const owner = clients(process.env.OWNER_KEY, process.env.OWNER_SECRET);
const arn = process.env.IDENTITY_ARN;
const from = process.env.FROM;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const content = { Simple: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'body' } } } };
const to = { ToAddresses: ['success@simulator.amazonses.com'] };
const v2Send = (c, withArn) => async () => (await c.v2.send(new SendEmailCommand({
  FromEmailAddress: from, ...(withArn ? { FromEmailAddressIdentityArn: arn } : {}), Destination: to, Content: content }))).MessageId;
const v1Send = (c) => async () => (await c.v1.send(new V1SendEmail({ Source: from, SourceArn: arn, Destination: to,
  Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } }))).MessageId;
const account = (c) => async () => {
  const a = await c.v2.send(new GetAccountCommand({}));
  return { EnforcementStatus: a.EnforcementStatus, SendingEnabled: a.SendingEnabled, ProductionAccessEnabled: a.ProductionAccessEnabled };
};
const enabled = (c) => async () => (await c.v1.send(new GetAccountSendingEnabledCommand({}))).Enabled;

await step('delegateV1', v1Send(delegate));
await step('delegateV2', v2Send(delegate, true));
await step('delegateAccount', account(delegate));
await step('delegateEnabled', enabled(delegate));
await step('ownerV2', v2Send(owner, false));
await step('ownerV1', v1Send(owner));
await step('ownerAccount', account(owner));
await step('ownerEnabled', enabled(owner));
if (process.env.PHASE === 'paused') {
  // The account's own switch cannot lift the pause.
  await step('delegateSwitchOn', async () => { await delegate.v1.send(new UpdateAccountSendingEnabledCommand({ Enabled: true })); return 'ok'; });
  await step('delegateV2AfterSwitch', v2Send(delegate, true));
} else {
  await step('delegateSwitchOff', async () => { await delegate.v1.send(new UpdateAccountSendingEnabledCommand({ Enabled: false })); return 'ok'; });
  await step('delegateEnabledOff', enabled(delegate));
  await step('delegateAccountOff', account(delegate));
  await step('delegateV2Off', v2Send(delegate, true));
  await step('ownerV2WhileDelegateOff', v2Send(owner, false));
  await step('delegatePutOn', async () => { await delegate.v2.send(new PutAccountSendingAttributesCommand({ SendingEnabled: true })); return 'ok'; });
  await step('delegateEnabledOn', enabled(delegate));
  await step('delegateV2On', v2Send(delegate, true));
}
console.log(JSON.stringify(out));
