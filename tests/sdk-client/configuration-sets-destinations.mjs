// Configuration-set event destinations and an identity's default set through SesConsole's API with the real AWS SDKs;
// prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_IDENTITY (a verified identity of the key's account),
// SES_TOPIC (an SNS topic ARN in SES_REGION).
import {
  SESv2Client, CreateConfigurationSetCommand, CreateConfigurationSetEventDestinationCommand,
  GetConfigurationSetEventDestinationsCommand, UpdateConfigurationSetEventDestinationCommand,
  DeleteConfigurationSetEventDestinationCommand, DeleteConfigurationSetCommand,
  PutEmailIdentityConfigurationSetAttributesCommand, GetEmailIdentityCommand,
} from '@aws-sdk/client-sesv2';
import {
  SESClient, CreateConfigurationSetEventDestinationCommand as V1CreateDestination, DescribeConfigurationSetCommand,
  UpdateConfigurationSetEventDestinationCommand as V1UpdateDestination, DeleteConfigurationSetEventDestinationCommand as V1DeleteDestination,
} from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT, region: process.env.SES_REGION, maxAttempts: 1,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const topic = process.env.SES_TOPIC;
const identity = process.env.SES_IDENTITY;
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }
const list = async (set) => (await v2.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: set }))).EventDestinations
  .map(d => ({ name: d.Name, enabled: d.Enabled, types: d.MatchingEventTypes, topic: d.SnsDestination?.TopicArn ?? null }));

await step('createSet', async () => { await v2.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'sdk-dest' })); return 'ok'; });
await step('v2Sns', async () => {
  await v2.send(new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'to-topic',
    EventDestination: { Enabled: true, MatchingEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY_DELAY'], SnsDestination: { TopicArn: topic } } }));
  return 'ok';
});
await step('v2EventLog', async () => {
  await v2.send(new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'log',
    EventDestination: { Enabled: true, MatchingEventTypes: ['SEND', 'DELIVERY'] } }));
  return 'ok';
});
await step('v2Duplicate', async () => {
  await v2.send(new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'log',
    EventDestination: { Enabled: true, MatchingEventTypes: ['SEND'] } }));
  return 'ok';
});
await step('v2CloudWatch', async () => {
  await v2.send(new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'cw',
    EventDestination: { Enabled: true, MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [
      { DimensionName: 'd', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'x' }] } } }));
  return 'ok';
});
await step('v2UnknownSet', async () => { await list('sdk-missing'); return 'ok'; });
await step('v2List', async () => list('sdk-dest'));
await step('v2Update', async () => {
  await v2.send(new UpdateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'log',
    EventDestination: { Enabled: false, MatchingEventTypes: ['REJECT'] } }));
  return list('sdk-dest');
});
await step('v1Create', async () => {
  await v1.send(new V1CreateDestination({ ConfigurationSetName: 'sdk-dest', EventDestination: { Name: 'v1-topic', Enabled: true,
    MatchingEventTypes: ['send', 'renderingFailure'], SNSDestination: { TopicARN: topic } } }));
  return 'ok';
});
await step('v1BadTopic', async () => {
  await v1.send(new V1CreateDestination({ ConfigurationSetName: 'sdk-dest', EventDestination: { Name: 'bad', Enabled: true,
    MatchingEventTypes: ['send'], SNSDestination: { TopicARN: 'arn:aws:sns:nowhere-1:123:x' } } }));
  return 'ok';
});
await step('v1Describe', async () => {
  const r = await v1.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: 'sdk-dest', ConfigurationSetAttributeNames: ['eventDestinations'] }));
  return r.EventDestinations.map(d => ({ name: d.Name, enabled: d.Enabled, types: d.MatchingEventTypes, topic: d.SNSDestination?.TopicARN ?? null }));
});
await step('v1Update', async () => {
  await v1.send(new V1UpdateDestination({ ConfigurationSetName: 'sdk-dest', EventDestination: { Name: 'v1-topic', Enabled: false,
    MatchingEventTypes: ['click'], SNSDestination: { TopicARN: topic } } }));
  return 'ok';
});
await step('v1Delete', async () => { await v1.send(new V1DeleteDestination({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'v1-topic' })); return 'ok'; });
await step('v1DeleteMissing', async () => { await v1.send(new V1DeleteDestination({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'v1-topic' })); return 'ok'; });
await step('v2Delete', async () => {
  await v2.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'sdk-dest', EventDestinationName: 'to-topic' }));
  return (await list('sdk-dest')).map(d => d.name);
});
await step('putDefault', async () => {
  await v2.send(new PutEmailIdentityConfigurationSetAttributesCommand({ EmailIdentity: identity, ConfigurationSetName: 'sdk-dest' }));
  return (await v2.send(new GetEmailIdentityCommand({ EmailIdentity: identity }))).ConfigurationSetName;
});
await step('putDefaultMissing', async () => {
  await v2.send(new PutEmailIdentityConfigurationSetAttributesCommand({ EmailIdentity: identity, ConfigurationSetName: 'sdk-missing' }));
  return 'ok';
});
await step('clearDefault', async () => {
  await v2.send(new PutEmailIdentityConfigurationSetAttributesCommand({ EmailIdentity: identity }));
  return (await v2.send(new GetEmailIdentityCommand({ EmailIdentity: identity }))).ConfigurationSetName ?? null;
});
await step('deleteSet', async () => { await v2.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: 'sdk-dest' })); return 'ok'; });
console.log(JSON.stringify(out));
