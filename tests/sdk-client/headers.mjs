// v2 custom headers (Content.Simple.Headers, Content.Template.Headers, SendBulkEmail's template headers and
// ReplacementHeaders) sent with the real AWS SDK for JavaScript v3; prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_FROM_ARN, SES_FROM.
import { SESv2Client, SendEmailCommand, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';

const v2 = new SESv2Client({
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
});
const arn = process.env.SES_FROM_ARN;
const from = process.env.SES_FROM;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const unsubscribe = [
  { Name: 'List-Unsubscribe', Value: '<https://news.example/u?id=42>' },
  { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
];
const inline = { Subject: 'Hi {{name}}', Text: 'Hello {{name}}' };

await step('simple', async () => (await v2.send(new SendEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn, Destination: { ToAddresses: ['simple@customer.example'] },
  Content: { Simple: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'body' } }, Headers: [...unsubscribe, { Name: 'X-Campaign', Value: 'spring' }] } },
}))).MessageId);
await step('template', async () => (await v2.send(new SendEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn, Destination: { ToAddresses: ['template@customer.example'] },
  Content: { Template: { TemplateContent: inline, TemplateData: '{"name":"Ann"}', Headers: [{ Name: 'X-Campaign', Value: 'templated' }] } },
}))).MessageId);
await step('bulk', async () => (await v2.send(new SendBulkEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn,
  DefaultContent: { Template: { TemplateContent: inline, TemplateData: '{"name":"friend"}', Headers: unsubscribe } },
  BulkEmailEntries: [
    { Destination: { ToAddresses: ['bulk1@customer.example'] } },
    { Destination: { ToAddresses: ['bulk2@customer.example'] }, ReplacementHeaders: [{ Name: 'List-Unsubscribe', Value: '<https://news.example/u?id=7>' }] },
    { Destination: { ToAddresses: ['bulk3@customer.example'] }, ReplacementHeaders: [{ Name: 'Return-Path', Value: 'x@y.example' }] },
  ],
}))).BulkEmailEntryResults);
await step('injected', async () => (await v2.send(new SendEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn, Destination: { ToAddresses: ['injected@customer.example'] },
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } }, Headers: [{ Name: 'X-Note', Value: 'a\r\nBcc: victim@example.org' }] } },
}))).MessageId);
await step('tooMany', async () => (await v2.send(new SendEmailCommand({
  FromEmailAddress: from, FromEmailAddressIdentityArn: arn, Destination: { ToAddresses: ['many@customer.example'] },
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } }, Headers: Array.from({ length: 16 }, (_, i) => ({ Name: `X-H${i}`, Value: 'v' })) } },
}))).MessageId);
console.log(JSON.stringify(out));
