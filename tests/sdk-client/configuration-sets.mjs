// Configuration sets through SesConsole's API with the real AWS SDKs; prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_FROM (an address of a verified identity of the key's account).
import {
  SESv2Client, CreateConfigurationSetCommand, GetConfigurationSetCommand, ListConfigurationSetsCommand,
  DeleteConfigurationSetCommand, SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import {
  SESClient, CreateConfigurationSetCommand as V1Create, DescribeConfigurationSetCommand, ListConfigurationSetsCommand as V1List,
  DeleteConfigurationSetCommand as V1Delete, SendEmailCommand as V1SendEmail,
} from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const from = process.env.SES_FROM;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const v2Send = (set) => v2.send(new SendEmailCommand({
  FromEmailAddress: from, Destination: { ToAddresses: ['success@simulator.amazonses.com'] }, ConfigurationSetName: set,
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } } }));
const v1Send = (set) => v1.send(new V1SendEmail({ Source: from, Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
  Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } }, ConfigurationSetName: set }));

await step('v2Create', async () => { await v2.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'sdk-v2' })); return 'ok'; });
await step('v2Duplicate', async () => { await v2.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'sdk-v2' })); return 'ok'; });
await step('v2Get', async () => (await v2.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'sdk-v2' }))).ConfigurationSetName);
await step('v2GetMissing', async () => (await v2.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'sdk-missing' }))).ConfigurationSetName);
await step('v1Create', async () => { await v1.send(new V1Create({ ConfigurationSet: { Name: 'sdk-v1' } })); return 'ok'; });
await step('v1Duplicate', async () => { await v1.send(new V1Create({ ConfigurationSet: { Name: 'sdk-v1' } })); return 'ok'; });
await step('v1Describe', async () => (await v1.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: 'sdk-v1' }))).ConfigurationSet.Name);
await step('v1DescribeMissing', async () => (await v1.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: 'sdk-missing' }))).ConfigurationSet.Name);
await step('v2List', async () => (await v2.send(new ListConfigurationSetsCommand({}))).ConfigurationSets);
await step('v1List', async () => (await v1.send(new V1List({}))).ConfigurationSets.map(s => s.Name));
await step('v2SendKnown', async () => (await v2Send('sdk-v2')).MessageId ? 'sent' : 'no id');
await step('v2SendMissing', async () => (await v2Send('sdk-missing')).MessageId);
await step('v1SendKnown', async () => (await v1Send('sdk-v1')).MessageId ? 'sent' : 'no id');
await step('v1SendMissing', async () => (await v1Send('sdk-missing')).MessageId);
await step('v2Delete', async () => { await v2.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: 'sdk-v2' })); return 'ok'; });
await step('v1Delete', async () => { await v1.send(new V1Delete({ ConfigurationSetName: 'sdk-v1' })); return 'ok'; });
await step('v2ListAfter', async () => (await v2.send(new ListConfigurationSetsCommand({}))).ConfigurationSets);
console.log(JSON.stringify(out));
