// Drives SesConsole's SNS API with the real @aws-sdk/client-sns; prints one JSON object of results.
// Environment: SNS_ENDPOINT, SNS_REGION, SNS_KEY/SNS_SECRET (owner A's key), OTHER_KEY/OTHER_SECRET (another account's key),
// HOOK_URL (an http endpoint the console may call), PRIVATE_URL (one on a network it may not call).
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, ListSubscriptionsByTopicCommand, PublishCommand, DeleteTopicCommand,
  GetTopicAttributesCommand, SetTopicAttributesCommand, ListTopicsCommand,
} from '@aws-sdk/client-sns';

const base = { endpoint: process.env.SNS_ENDPOINT, region: process.env.SNS_REGION, maxAttempts: 1 };
const sns = new SNSClient({ ...base, credentials: { accessKeyId: process.env.SNS_KEY, secretAccessKey: process.env.SNS_SECRET } });
const other = new SNSClient({ ...base, credentials: { accessKeyId: process.env.OTHER_KEY, secretAccessKey: process.env.OTHER_SECRET } });
const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode });
async function step(name, fn) { try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; } }

let arn;
await step('create', async () => { arn = (await sns.send(new CreateTopicCommand({ Name: 'sdk-alerts', Attributes: { DisplayName: 'Alerts' } }))).TopicArn; return arn; });
await step('createAgain', async () => (await sns.send(new CreateTopicCommand({ Name: 'sdk-alerts', Attributes: { DisplayName: 'Alerts' } }))).TopicArn);
await step('createDifferent', async () => (await sns.send(new CreateTopicCommand({ Name: 'sdk-alerts', Attributes: { DisplayName: 'Other' } }))).TopicArn);
await step('list', async () => (await sns.send(new ListTopicsCommand({}))).Topics.map(t => t.TopicArn));
await step('subscribe', async () => (await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: process.env.HOOK_URL }))).SubscriptionArn);
await step('subscribeEmail', async () => (await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true }))).SubscriptionArn);
await step('subscribePrivate', async () => sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: process.env.PRIVATE_URL })));
await step('subscriptions', async () => (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions
  .map(s => ({ arn: s.SubscriptionArn, protocol: s.Protocol, endpoint: s.Endpoint, owner: s.Owner })));
await step('publish', async () => (await sns.send(new PublishCommand({ TopicArn: arn, Message: 'hello', Subject: 'Greeting',
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }))).MessageId);
await step('attributes', async () => (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes);
await step('otherPublish', async () => other.send(new PublishCommand({ TopicArn: arn, Message: 'not mine' })));
await step('badPolicy', async () => sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy',
  AttributeValue: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "SNS:Pubish", "Resource": "${arn}"}]}` })));
await step('grant', async () => { await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy',
  AttributeValue: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Other', Effect: 'Allow', Principal: { AWS: process.env.OTHER_ACCOUNT }, Action: 'SNS:Publish', Resource: arn }] }) })); return 'ok'; });
await step('otherPublishGranted', async () => (await other.send(new PublishCommand({ TopicArn: arn, Message: 'now allowed' }))).MessageId);
await step('delete', async () => { await sns.send(new DeleteTopicCommand({ TopicArn: arn })); return 'ok'; });
await step('afterDelete', async () => sns.send(new GetTopicAttributesCommand({ TopicArn: arn })));
console.log(JSON.stringify(out));
