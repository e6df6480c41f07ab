// Verifies SNS messages the console delivered, with the real sns-validator (0.3.5) and with AWS's documented key lists.
// Environment: SNS_MESSAGES (a JSON file holding an array of message bodies as strings), SNS_HOST_PATTERN (a regular
// expression for the host:port of SigningCertURL), NODE_EXTRA_CA_CERTS (the console's CA, so the certificate can be
// fetched over HTTPS). Prints one JSON array: per message its Type, SignatureVersion, the validator's verdict and error,
// and whether the signature checks out over the key list AWS documents for that type.
import { readFileSync } from 'node:fs';
import { createVerify } from 'node:crypto';
import https from 'node:https';
import MessageValidator from 'sns-validator';

const bodies = JSON.parse(readFileSync(process.env.SNS_MESSAGES, 'utf8'));
const validator = new MessageValidator(new RegExp(process.env.SNS_HOST_PATTERN));

const validate = (body) => new Promise((resolve) => validator.validate(body, (err) => resolve(err ? err.message : null)));

const fetchPem = (url) => new Promise((resolve, reject) => {
  https.get(url, (res) => {
    let pem = '';
    res.on('data', (d) => { pem += d; });
    res.on('end', () => (res.statusCode === 200 ? resolve(pem) : reject(new Error(`HTTP ${res.statusCode}`))));
  }).on('error', reject);
});

const awsKeys = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

const results = [];
for (const body of bodies) {
  const message = JSON.parse(body);
  const validatorError = await validate(body);
  const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  for (const key of awsKeys[message.Type]) {
    if (key in message) verifier.update(`${key}\n${message[key]}\n`, 'utf8');
  }
  const pem = await fetchPem(message.SigningCertURL);
  results.push({
    Type: message.Type,
    SignatureVersion: message.SignatureVersion,
    Valid: validatorError === null,
    Error: validatorError,
    AwsKeyListValid: verifier.verify(pem, message.Signature, 'base64'),
  });
}
console.log(JSON.stringify(results));
