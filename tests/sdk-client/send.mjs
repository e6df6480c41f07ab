// Sends through SesConsole's API with the real AWS SDKs; prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_FROM_ARN, SES_FROM.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SESClient, SendEmailCommand as V1SendEmail, SendRawEmailCommand, GetSendStatisticsCommand } from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const arn = process.env.SES_FROM_ARN;
const from = process.env.SES_FROM;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const raw = Buffer.from(`From: ${from}\r\nTo: success@simulator.amazonses.com\r\nSubject: raw\r\nX-SES-FROM-ARN: ${arn}\r\n\r\nraw body\r\n`);

await step('v2Simple', async () => (await v2.send(new SendEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn,
  Destination: { ToAddresses: ['reader@customer.example'] },
  Content: { Simple: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'body' } } } } }))).MessageId);
await step('v2Raw', async () => (await v2.send(new SendEmailCommand({ FromEmailAddressIdentityArn: arn, Content: { Raw: { Data: raw } } }))).MessageId);
await step('v1Send', async () => (await v1.send(new V1SendEmail({ Source: from, SourceArn: arn,
  Destination: { ToAddresses: ['success@simulator.amazonses.com'] }, Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } }))).MessageId);
await step('v1Raw', async () => (await v1.send(new SendRawEmailCommand({ Source: from, SourceArn: arn, Destinations: ['success@simulator.amazonses.com'], RawMessage: { Data: raw } }))).MessageId);
await step('unverified', async () => (await v2.send(new SendEmailCommand({ FromEmailAddress: 'nobody@unverified.example',
  Destination: { ToAddresses: ['x@customer.example'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } } }))).MessageId);
await step('statistics', async () => (await v1.send(new GetSendStatisticsCommand({}))).SendDataPoints.map(p => ({ ...p, Timestamp: p.Timestamp.toISOString() })));
console.log(JSON.stringify(out));
