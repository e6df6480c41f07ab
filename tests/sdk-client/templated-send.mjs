// Templated and bulk sends through SesConsole's API with the real AWS SDKs, as a delegate naming the owner's identity ARN;
// prints one JSON object of results (docs/templates.md#templated-sending, docs/templates.md#bulk-sending).
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET (the delegate's key), SES_FROM, SES_FROM_ARN (an identity whose
// policy allows the templated actions), SES_DENIED_FROM, SES_DENIED_ARN (one whose policy allows only ses:SendEmail),
// SES_TEMPLATE (a template of the delegate's account: subject "Hi {{name}}"), SES_TO (a deliverable recipient),
// SES_SUPPRESSED (an address on the delegate's suppression list).
import { SESv2Client, SendEmailCommand, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { SESClient, SendTemplatedEmailCommand, SendBulkTemplatedEmailCommand } from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const { SES_FROM: from, SES_FROM_ARN: arn, SES_DENIED_FROM: deniedFrom, SES_DENIED_ARN: deniedArn, SES_TEMPLATE: template, SES_TO: to, SES_SUPPRESSED: suppressed } = process.env;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }

const v1Templated = (source, sourceArn, name = template, data = '{"name":"Ann"}') => v1.send(new SendTemplatedEmailCommand({
  Source: source, SourceArn: sourceArn, Destination: { ToAddresses: [to] }, Template: name, TemplateData: data }));
const v1Bulk = (source, sourceArn) => v1.send(new SendBulkTemplatedEmailCommand({
  Source: source, SourceArn: sourceArn, Template: template, DefaultTemplateData: '{"name":"friend"}',
  Destinations: [
    { Destination: { ToAddresses: [to] }, ReplacementTemplateData: '{"name":"Bea"}' },
    { Destination: { ToAddresses: [suppressed] } },
    { Destination: { ToAddresses: ['success@simulator.amazonses.com'] }, ReplacementTemplateData: '[1]' },
  ] }));
const v2Templated = (source, sourceArn, content = { TemplateName: template, TemplateData: '{"name":"Cid"}' }) => v2.send(new SendEmailCommand({
  FromEmailAddress: source, FromEmailAddressIdentityArn: sourceArn, Destination: { ToAddresses: [to] }, Content: { Template: content } }));
const v2Bulk = (source, sourceArn) => v2.send(new SendBulkEmailCommand({
  FromEmailAddress: source, FromEmailAddressIdentityArn: sourceArn,
  DefaultContent: { Template: { TemplateName: template, TemplateData: '{"name":"friend"}' } },
  BulkEmailEntries: [
    { Destination: { ToAddresses: [to] }, ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"name":"Dee"}' } } },
    { Destination: { ToAddresses: [suppressed] } },
    { Destination: { ToAddresses: ['success@simulator.amazonses.com'] }, ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '"x"' } } },
  ] }));

await step('v1Templated', async () => (await v1Templated(from, arn)).MessageId);
await step('v1Bulk', async () => (await v1Bulk(from, arn)).Status);
await step('v2Templated', async () => (await v2Templated(from, arn)).MessageId);
await step('v2Inline', async () => (await v2Templated(from, arn, { TemplateContent: { Subject: 'Inline {{name}}', Text: 'Hello {{name}}' }, TemplateData: '{"name":"Eve"}' })).MessageId);
await step('v2Bulk', async () => (await v2Bulk(from, arn)).BulkEmailEntryResults);
await step('v1Denied', async () => (await v1Templated(deniedFrom, deniedArn)).MessageId);
await step('v1BulkDenied', async () => (await v1Bulk(deniedFrom, deniedArn)).Status);
await step('v2Denied', async () => (await v2Templated(deniedFrom, deniedArn)).MessageId);
await step('v2BulkDenied', async () => (await v2Bulk(deniedFrom, deniedArn)).BulkEmailEntryResults);
await step('v1NoTemplate', async () => (await v1Templated(from, arn, 'no-such-template')).MessageId);
await step('v2NoTemplate', async () => (await v2Templated(from, arn, { TemplateName: 'no-such-template', TemplateData: '{}' })).MessageId);
await step('v1BadData', async () => (await v1Templated(from, arn, template, 'not json')).MessageId);
console.log(JSON.stringify(out));
