// The whole feedback chain under sending authorization, driven only by real AWS SDK clients against SesConsole
// (docs/notifications.md#feedback-routing-under-delegation):
// - the delegate (account B) creates a topic, lets SES publish to it for the owner's identity, subscribes an HTTP
//   endpoint (a loopback server in this script) that confirms by GETting the SubscribeURL;
// - the owner (account A) creates a topic of its own, subscribes the same server, and points the identity's Bounce
//   topic at its own topic and the Complaint topic at the delegate's topic;
// - the delegate creates a configuration set with an SNS destination (its topic) and sends as the owner's identity to
//   the mailbox simulator (success, bounce, complaint), naming the set;
// - every message the server receives is checked with sns-validator (signature, certificate over HTTPS).
// Prints one JSON object: the received messages per path, each with its validation result and parsed Message.
// Environment: SES_ENDPOINT, SES_REGION, OWNER_KEY/OWNER_SECRET, DELEGATE_KEY/DELEGATE_SECRET, IDENTITY_ARN, FROM,
// OWNER_ACCOUNT, DELEGATE_ACCOUNT, CERT_HOST_PATTERN (regex source for sns-validator's host check), WAIT_MS (how long to wait for the
// expected messages). NODE_EXTRA_CA_CERTS must name the console's CA when it serves HTTPS with a test certificate.
import http from 'node:http';
import { SNSClient, CreateTopicCommand, SetTopicAttributesCommand, SubscribeCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { SESClient, SetIdentityNotificationTopicCommand, GetIdentityNotificationAttributesCommand } from '@aws-sdk/client-ses';
import { SESv2Client, CreateConfigurationSetCommand, CreateConfigurationSetEventDestinationCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MessageValidator from 'sns-validator';

const region = process.env.SES_REGION;
const base = { endpoint: process.env.SES_ENDPOINT, region, maxAttempts: 1 };
const owner = { accessKeyId: process.env.OWNER_KEY, secretAccessKey: process.env.OWNER_SECRET };
const delegate = { accessKeyId: process.env.DELEGATE_KEY, secretAccessKey: process.env.DELEGATE_SECRET };
const identityArn = process.env.IDENTITY_ARN;
const validator = new MessageValidator(new RegExp(process.env.CERT_HOST_PATTERN));
const out = { steps: {}, received: { owner: [], delegate: [] } };
const error = (e) => ({ error: { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode } });
async function step(name, fn) { try { out.steps[name] = (await fn()) ?? 'ok'; } catch (e) { out.steps[name] = error(e); } }

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', async () => {
    res.writeHead(200).end();
    const path = req.url === '/owner' ? 'owner' : 'delegate';
    let message;
    try { message = JSON.parse(body); } catch { out.received[path].push({ unparsable: body }); return; }
    const entry = { type: req.headers['x-amz-sns-message-type'], topicArn: req.headers['x-amz-sns-topic-arn'], messageType: message.Type,
      signatureVersion: message.SignatureVersion };
    entry.valid = await new Promise((resolve) => validator.validate(message, (err) => resolve(err ? String(err.message ?? err) : true)));
    if (message.Type === 'SubscriptionConfirmation') {
      const r = await fetch(message.SubscribeURL);
      entry.confirmStatus = r.status;
    } else {
      try { entry.message = JSON.parse(message.Message); } catch { entry.message = message.Message; }
    }
    out.received[path].push(entry);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = (path) => `http://127.0.0.1:${server.address().port}/${path}`;

// The delegate's topic lets SES publish the owner identity's notifications and the delegate's own configuration set's
// events, each in the form the SES guide documents (aws:SourceAccount + aws:SourceArn).
const policy = (topicArn) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'OwnerIdentityFeedback', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'SNS:Publish', Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': process.env.OWNER_ACCOUNT }, ArnLike: { 'aws:SourceArn': identityArn } } },
    { Sid: 'OwnConfigurationSetEvents', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'SNS:Publish', Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': process.env.DELEGATE_ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:ses:${region}:${process.env.DELEGATE_ACCOUNT}:configuration-set/delegate-set` } } },
  ],
});
const delegateSns = new SNSClient({ ...base, credentials: delegate });
const ownerSns = new SNSClient({ ...base, credentials: owner });
let delegateTopic;
let ownerTopic;
await step('delegateTopic', async () => {
  delegateTopic = (await delegateSns.send(new CreateTopicCommand({ Name: 'delegate-feedback' }))).TopicArn;
  await delegateSns.send(new SetTopicAttributesCommand({ TopicArn: delegateTopic, AttributeName: 'Policy', AttributeValue: policy(delegateTopic) }));
  await delegateSns.send(new SubscribeCommand({ TopicArn: delegateTopic, Protocol: 'http', Endpoint: endpoint('delegate') }));
  return delegateTopic;
});
await step('ownerTopic', async () => {
  ownerTopic = (await ownerSns.send(new CreateTopicCommand({ Name: 'owner-bounces' }))).TopicArn;
  await ownerSns.send(new SubscribeCommand({ TopicArn: ownerTopic, Protocol: 'http', Endpoint: endpoint('owner') }));
  return ownerTopic;
});

async function confirmed(client, topicArn) {
  for (let i = 0; i < 100; i++) {
    const subs = (await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    if (subs.length > 0 && subs.every((s) => s.SubscriptionArn !== 'PendingConfirmation' && s.SubscriptionArn !== 'pending confirmation')) { return subs.map((s) => s.SubscriptionArn); }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`subscriptions of ${topicArn} were not confirmed`);
}
await step('delegateConfirmed', () => confirmed(delegateSns, delegateTopic));
await step('ownerConfirmed', () => confirmed(ownerSns, ownerTopic));

const ownerSes = new SESClient({ ...base, credentials: owner });
await step('setBounceTopic', () => ownerSes.send(new SetIdentityNotificationTopicCommand({ Identity: identityArn, NotificationType: 'Bounce', SnsTopic: ownerTopic })).then(() => 'ok'));
await step('setComplaintTopic', () => ownerSes.send(new SetIdentityNotificationTopicCommand({ Identity: identityArn, NotificationType: 'Complaint', SnsTopic: delegateTopic })).then(() => 'ok'));
await step('attributes', async () => (await ownerSes.send(new GetIdentityNotificationAttributesCommand({ Identities: [identityArn] }))).NotificationAttributes);

const delegateV2 = new SESv2Client({ ...base, credentials: delegate });
await step('configurationSet', async () => {
  await delegateV2.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'delegate-set' }));
  await delegateV2.send(new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'delegate-set', EventDestinationName: 'to-topic',
    EventDestination: { Enabled: true, MatchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT'], SnsDestination: { TopicArn: delegateTopic } } }));
  return 'ok';
});

const sent = {};
for (const kind of ['success', 'bounce', 'complaint']) {
  await step(`send-${kind}`, async () => {
    const r = await delegateV2.send(new SendEmailCommand({ FromEmailAddress: process.env.FROM, FromEmailAddressIdentityArn: identityArn,
      Destination: { ToAddresses: [`${kind}@simulator.amazonses.com`] }, ConfigurationSetName: 'delegate-set',
      Content: { Simple: { Subject: { Data: `chain ${kind}` }, Body: { Text: { Data: 'feedback chain' } } } } }));
    sent[kind] = r.MessageId;
    return r.MessageId;
  });
}

// Expected: owner gets 1 Bounce; delegate gets 1 Complaint (identity topic) + 3 Send + 2 Delivery + 1 Bounce + 1 Complaint (set events).
const notifications = (path) => out.received[path].filter((e) => e.messageType === 'Notification').length;
const deadline = Date.now() + Number(process.env.WAIT_MS ?? 30000);
while (Date.now() < deadline && (notifications('owner') < 1 || notifications('delegate') < 8)) {
  await new Promise((r) => setTimeout(r, 200));
}
await new Promise((r) => setTimeout(r, 1000)); // anything extra that should not have come
out.sent = sent;
server.close();
console.log(JSON.stringify(out));
