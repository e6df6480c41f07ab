// Drives SesConsole's SES API with the real AWS SDKs for JavaScript v3 and prints one JSON object of results.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET.
import { SESv2Client, PutSuppressedDestinationCommand, GetSuppressedDestinationCommand, ListSuppressedDestinationsCommand, DeleteSuppressedDestinationCommand, CreateEmailIdentityPolicyCommand, UpdateEmailIdentityPolicyCommand, GetEmailIdentityPoliciesCommand, CreateEmailIdentityCommand, ListEmailIdentitiesCommand, GetEmailIdentityCommand, GetAccountCommand, DeleteEmailIdentityCommand, PutEmailIdentityDkimAttributesCommand, PutEmailIdentityMailFromAttributesCommand, paginateListEmailIdentities } from '@aws-sdk/client-sesv2';
import { SESClient, PutIdentityPolicyCommand, ListIdentityPoliciesCommand, DeleteIdentityPolicyCommand, ListIdentitiesCommand, VerifyDomainIdentityCommand, GetSendQuotaCommand, GetIdentityVerificationAttributesCommand, VerifyEmailIdentityCommand, VerifyDomainDkimCommand, GetIdentityDkimAttributesCommand, SetIdentityDkimEnabledCommand, SetIdentityMailFromDomainCommand, GetIdentityMailFromDomainAttributesCommand, paginateListIdentities } from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT,
  region: process.env.SES_REGION,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
  maxAttempts: 1,
};
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);
const bad = new SESv2Client({ ...config, credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: 'wrong-secret' } });
const badV1 = new SESClient({ ...config, credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN22', secretAccessKey: 'x' } });

const out = {};
const error = (e) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, fault: e.$fault });
async function step(name, fn) {
  try { out[name] = await fn(); } catch (e) { out[name] = { error: error(e) }; }
}

await step('createEmail', async () => { const r = await v2.send(new CreateEmailIdentityCommand({ EmailIdentity: 'sdk@example.com' })); return { IdentityType: r.IdentityType, Verified: r.VerifiedForSendingStatus }; });
await step('createDomain', async () => { const r = await v2.send(new CreateEmailIdentityCommand({ EmailIdentity: 'sdk.example.com', DkimSigningAttributes: { NextSigningKeyLength: 'RSA_1024_BIT' } })); return { IdentityType: r.IdentityType, Tokens: r.DkimAttributes?.Tokens?.length, Status: r.DkimAttributes?.Status }; });
const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Agency', Effect: 'Allow', Principal: { AWS: '222222222222' },
  Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: 'arn:aws:ses:us-east-1:111111111111:identity/sdk.example.com' }] });
await step('policyCreate', async () => { await v2.send(new CreateEmailIdentityPolicyCommand({ EmailIdentity: 'sdk.example.com', PolicyName: 'Agency', Policy: policy })); return 'ok'; });
await step('policyDuplicate', async () => v2.send(new CreateEmailIdentityPolicyCommand({ EmailIdentity: 'sdk.example.com', PolicyName: 'Agency', Policy: policy })));
await step('policyUpdateMissing', async () => v2.send(new UpdateEmailIdentityPolicyCommand({ EmailIdentity: 'sdk.example.com', PolicyName: 'Nope', Policy: policy })));
await step('policyInvalidV1', async () => v1.send(new PutIdentityPolicyCommand({ Identity: 'sdk.example.com', PolicyName: 'Bad', Policy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"ses:SendEmails","Resource":"arn:aws:ses:us-east-1:111111111111:identity/sdk.example.com"}]}' })));
await step('policyPutV1', async () => { await v1.send(new PutIdentityPolicyCommand({ Identity: 'sdk.example.com', PolicyName: 'Second', Policy: policy })); return 'ok'; });
await step('policyListV1', async () => (await v1.send(new ListIdentityPoliciesCommand({ Identity: 'sdk.example.com' }))).PolicyNames.sort());
await step('policyDeleteMissingV1', async () => { await v1.send(new DeleteIdentityPolicyCommand({ Identity: 'sdk.example.com', PolicyName: 'Nope' })); return 'ok'; });
await step('policyGet', async () => Object.keys((await v2.send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: 'sdk.example.com' }))).Policies).sort());
await step('createDuplicate', async () => v2.send(new CreateEmailIdentityCommand({ EmailIdentity: 'sdk@example.com' })));
await step('list', async () => (await v2.send(new ListEmailIdentitiesCommand({}))).EmailIdentities.map(i => `${i.IdentityType}:${i.IdentityName}:${i.VerificationStatus}`).sort());
await step('get', async () => { const r = await v2.send(new GetEmailIdentityCommand({ EmailIdentity: 'sdk.example.com' })); return { IdentityType: r.IdentityType, VerificationStatus: r.VerificationStatus, Origin: r.DkimAttributes?.SigningAttributesOrigin, KeyLength: r.DkimAttributes?.CurrentSigningKeyLength }; });
await step('dkimOff', async () => { await v2.send(new PutEmailIdentityDkimAttributesCommand({ EmailIdentity: 'sdk.example.com', SigningEnabled: false })); return 'ok'; });
await step('mailFrom', async () => { await v2.send(new PutEmailIdentityMailFromAttributesCommand({ EmailIdentity: 'sdk.example.com', MailFromDomain: 'bounce.sdk.example.com', BehaviorOnMxFailure: 'REJECT_MESSAGE' })); return 'ok'; });
await step('getAfterPut', async () => { const r = await v2.send(new GetEmailIdentityCommand({ EmailIdentity: 'sdk.example.com' })); return { SigningEnabled: r.DkimAttributes?.SigningEnabled, Tokens: r.DkimAttributes?.Tokens, MailFrom: r.MailFromAttributes, Policies: Object.keys(r.Policies ?? {}).sort() }; });
await step('dkimOtherAccountMissing', async () => v2.send(new PutEmailIdentityDkimAttributesCommand({ EmailIdentity: 'nobody.example.com', SigningEnabled: true })));
await step('mailFromNotSubdomain', async () => v2.send(new PutEmailIdentityMailFromAttributesCommand({ EmailIdentity: 'sdk.example.com', MailFromDomain: 'bounce.elsewhere.example' })));
await step('listPaged', async () => { const pages = []; for await (const page of paginateListEmailIdentities({ client: v2, pageSize: 1 }, {})) { pages.push(page.EmailIdentities.map(i => i.IdentityName)); } return pages; });
await step('v1DkimAttributes', async () => { const r = await v1.send(new GetIdentityDkimAttributesCommand({ Identities: ['sdk.example.com', 'sdk@example.com', 'unknown.example.com'] })); return r.DkimAttributes; });
await step('v1DkimOn', async () => { await v1.send(new SetIdentityDkimEnabledCommand({ Identity: 'sdk.example.com', DkimEnabled: true })); return (await v1.send(new GetIdentityDkimAttributesCommand({ Identities: ['sdk.example.com'] }))).DkimAttributes['sdk.example.com'].DkimEnabled; });
await step('v1DkimUnknown', async () => v1.send(new SetIdentityDkimEnabledCommand({ Identity: 'unknown.example.com', DkimEnabled: true })));
await step('v1VerifyDomainDkim', async () => (await v1.send(new VerifyDomainDkimCommand({ Domain: 'sdk.example.com' }))).DkimTokens);
await step('v1MailFrom', async () => { await v1.send(new SetIdentityMailFromDomainCommand({ Identity: 'sdk.example.com', MailFromDomain: 'mail.sdk.example.com', BehaviorOnMXFailure: 'UseDefaultValue' })); return (await v1.send(new GetIdentityMailFromDomainAttributesCommand({ Identities: ['sdk.example.com'] }))).MailFromDomainAttributes; });
await step('v1ListPaged', async () => { const pages = []; for await (const page of paginateListIdentities({ client: v1, pageSize: 1 }, {})) { pages.push(page.Identities); } return pages; });
await step('getMissing', async () => v2.send(new GetEmailIdentityCommand({ EmailIdentity: 'nobody@example.com' })));
await step('account', async () => { const r = await v2.send(new GetAccountCommand({})); return { Max24HourSend: r.SendQuota.Max24HourSend, SendingEnabled: r.SendingEnabled, ProductionAccessEnabled: r.ProductionAccessEnabled }; });
await step('v1List', async () => (await v1.send(new ListIdentitiesCommand({}))).Identities.sort());
await step('v1VerifyDomain', async () => ({ tokenLength: (await v1.send(new VerifyDomainIdentityCommand({ Domain: 'v1.example.com' }))).VerificationToken.length }));
await step('v1VerifyEmail', async () => { await v1.send(new VerifyEmailIdentityCommand({ EmailAddress: 'v1@example.com' })); return 'ok'; });
await step('v1Attributes', async () => { const r = await v1.send(new GetIdentityVerificationAttributesCommand({ Identities: ['v1.example.com', 'v1@example.com'] })); return Object.fromEntries(Object.entries(r.VerificationAttributes).map(([k, v]) => [k, v.VerificationStatus])); });
await step('v1Quota', async () => { const r = await v1.send(new GetSendQuotaCommand({})); return { Max24HourSend: r.Max24HourSend, MaxSendRate: r.MaxSendRate }; });
await step('delete', async () => { await v2.send(new DeleteEmailIdentityCommand({ EmailIdentity: 'sdk@example.com' })); return 'ok'; });
await step('suppressPut', async () => { await v2.send(new PutSuppressedDestinationCommand({ EmailAddress: 'Gone@Customer.example', Reason: 'BOUNCE' })); return 'ok'; });
await step('suppressGet', async () => { const r = await v2.send(new GetSuppressedDestinationCommand({ EmailAddress: 'gone@customer.example' })); return { address: r.SuppressedDestination.EmailAddress, reason: r.SuppressedDestination.Reason, year: r.SuppressedDestination.LastUpdateTime.getUTCFullYear() }; });
await step('suppressList', async () => (await v2.send(new ListSuppressedDestinationsCommand({}))).SuppressedDestinationSummaries.map(s => s.EmailAddress));
await step('suppressDelete', async () => { await v2.send(new DeleteSuppressedDestinationCommand({ EmailAddress: 'gone@customer.example' })); return 'ok'; });
await step('suppressGetMissing', async () => v2.send(new GetSuppressedDestinationCommand({ EmailAddress: 'gone@customer.example' })));
await step('wrongSecret', async () => bad.send(new ListEmailIdentitiesCommand({})));
await step('unknownKeyV1', async () => badV1.send(new ListIdentitiesCommand({})));

console.log(JSON.stringify(out));
