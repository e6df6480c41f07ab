// Easy DKIM through the real AWS SDKs for JavaScript v3: what an API-only user reads to publish the DKIM records.
// Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_DOMAIN. Prints one JSON object.
import { SESv2Client, CreateEmailIdentityCommand, GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { SESClient, GetIdentityDkimAttributesCommand } from '@aws-sdk/client-ses';

const config = {
  endpoint: process.env.SES_ENDPOINT,
  region: process.env.SES_REGION,
  credentials: { accessKeyId: process.env.SES_KEY, secretAccessKey: process.env.SES_SECRET },
  maxAttempts: 1,
};
const domain = process.env.SES_DOMAIN;
const v2 = new SESv2Client(config);
const v1 = new SESClient(config);

const created = await v2.send(new CreateEmailIdentityCommand({ EmailIdentity: domain, DkimSigningAttributes: { NextSigningKeyLength: 'RSA_1024_BIT' } }));
const got = await v2.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
const v1Dkim = await v1.send(new GetIdentityDkimAttributesCommand({ Identities: [domain] }));
console.log(JSON.stringify({
  created: { SigningHostedZone: created.DkimAttributes?.SigningHostedZone, Tokens: created.DkimAttributes?.Tokens },
  got: { SigningHostedZone: got.DkimAttributes?.SigningHostedZone, Tokens: got.DkimAttributes?.Tokens },
  v1Tokens: v1Dkim.DkimAttributes[domain].DkimTokens,
}));
