// Email templates through SesConsole's API with the real AWS SDKs (v2 and v1 clients); prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET.
import {
  SESv2Client, CreateEmailTemplateCommand, GetEmailTemplateCommand, UpdateEmailTemplateCommand, ListEmailTemplatesCommand,
  TestRenderEmailTemplateCommand, DeleteEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import {
  SESClient, CreateTemplateCommand, GetTemplateCommand, UpdateTemplateCommand, ListTemplatesCommand, TestRenderTemplateCommand,
  DeleteTemplateCommand,
} from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }

// v2
await step('v2Create', async () => {
  await v2.send(new CreateEmailTemplateCommand({ TemplateName: 'sdk-v2',
    TemplateContent: { Subject: 'Hello {{name}}', Text: 'Dear {{name}}', Html: '<p>{{name}}</p>' } }));
  return 'ok';
});
await step('v2Duplicate', async () => {
  await v2.send(new CreateEmailTemplateCommand({ TemplateName: 'sdk-v2', TemplateContent: { Subject: 's', Text: 't' } }));
  return 'ok';
});
await step('v2Get', async () => {
  const r = await v2.send(new GetEmailTemplateCommand({ TemplateName: 'sdk-v2' }));
  return { name: r.TemplateName, subject: r.TemplateContent.Subject, text: r.TemplateContent.Text, html: r.TemplateContent.Html };
});
await step('v2GetMissing', async () => (await v2.send(new GetEmailTemplateCommand({ TemplateName: 'sdk-missing' }))).TemplateName);
await step('v2Update', async () => {
  await v2.send(new UpdateEmailTemplateCommand({ TemplateName: 'sdk-v2',
    TemplateContent: { Subject: 'Welcome {{name}}', Text: 'Hi {{name}}', Html: '<p>{{name}}</p>' } }));
  return (await v2.send(new GetEmailTemplateCommand({ TemplateName: 'sdk-v2' }))).TemplateContent.Subject;
});
await step('v2Render', async () =>
  (await v2.send(new TestRenderEmailTemplateCommand({ TemplateName: 'sdk-v2', TemplateData: '{"name":"Ann"}' }))).RenderedTemplate);
await step('v2RenderMissingAttribute', async () =>
  (await v2.send(new TestRenderEmailTemplateCommand({ TemplateName: 'sdk-v2', TemplateData: '{}' }))).RenderedTemplate);

// v1
await step('v1Create', async () => {
  await v1.send(new CreateTemplateCommand({ Template: { TemplateName: 'sdk-v1', SubjectPart: 'Hi {{name}}', TextPart: 'Text {{name}}', HtmlPart: '<b>{{name}}</b>' } }));
  return 'ok';
});
await step('v1Duplicate', async () => {
  await v1.send(new CreateTemplateCommand({ Template: { TemplateName: 'sdk-v1', SubjectPart: 's', TextPart: 't' } }));
  return 'ok';
});
await step('v1Get', async () => {
  const t = (await v1.send(new GetTemplateCommand({ TemplateName: 'sdk-v1' }))).Template;
  return { name: t.TemplateName, subject: t.SubjectPart, text: t.TextPart, html: t.HtmlPart };
});
await step('v1GetMissing', async () => (await v1.send(new GetTemplateCommand({ TemplateName: 'sdk-missing' }))).Template.TemplateName);
await step('v1Update', async () => {
  await v1.send(new UpdateTemplateCommand({ Template: { TemplateName: 'sdk-v1', SubjectPart: 'Bye {{name}}', TextPart: 'Text {{name}}' } }));
  return (await v1.send(new GetTemplateCommand({ TemplateName: 'sdk-v1' }))).Template.SubjectPart;
});
await step('v1Render', async () =>
  (await v1.send(new TestRenderTemplateCommand({ TemplateName: 'sdk-v1', TemplateData: '{"name":"Bob"}' }))).RenderedTemplate);
await step('v1RenderMissingAttribute', async () =>
  (await v1.send(new TestRenderTemplateCommand({ TemplateName: 'sdk-v1', TemplateData: '{}' }))).RenderedTemplate);
await step('v1RenderBadData', async () =>
  (await v1.send(new TestRenderTemplateCommand({ TemplateName: 'sdk-v1', TemplateData: '{"name":' }))).RenderedTemplate);

// Both lists see both templates (one namespace per account and region); v2 pages with PageSize 1.
await step('v2List', async () => {
  const names = [];
  let token;
  do {
    const r = await v2.send(new ListEmailTemplatesCommand({ PageSize: 1, NextToken: token }));
    names.push(...r.TemplatesMetadata.map(t => t.TemplateName));
    if (!r.TemplatesMetadata.every(t => t.CreatedTimestamp instanceof Date && !isNaN(t.CreatedTimestamp))) { throw new Error('bad CreatedTimestamp'); }
    token = r.NextToken;
  } while (token && names.length < 10);
  return names;
});
await step('v1List', async () => {
  const r = await v1.send(new ListTemplatesCommand({ MaxItems: 10 }));
  if (!r.TemplatesMetadata.every(t => t.CreatedTimestamp instanceof Date && !isNaN(t.CreatedTimestamp))) { throw new Error('bad CreatedTimestamp'); }
  return r.TemplatesMetadata.map(t => t.Name);
});

await step('v2Delete', async () => { await v2.send(new DeleteEmailTemplateCommand({ TemplateName: 'sdk-v2' })); return 'ok'; });
await step('v2DeleteMissing', async () => { await v2.send(new DeleteEmailTemplateCommand({ TemplateName: 'sdk-v2' })); return 'ok'; });
await step('v1Delete', async () => { await v1.send(new DeleteTemplateCommand({ TemplateName: 'sdk-v1' })); return 'ok'; });
await step('v1DeleteMissing', async () => { await v1.send(new DeleteTemplateCommand({ TemplateName: 'sdk-v1' })); return 'ok'; });
await step('v2ListAfter', async () => (await v2.send(new ListEmailTemplatesCommand({}))).TemplatesMetadata);
console.log(JSON.stringify(out));
