// Sends one message with nodemailer as the test in SMTP_JOB (JSON) says and prints the outcome as JSON:
// { "accepted": true, "response": "250 Ok <id>", "rejected": [replies to refused recipients] } or { "accepted": false, "code": "EAUTH", "responseCode": 535, "response": "…" }.
// Driven by tests/Console.Web.Tests/Features/Smtp/SmtpRealClientTests.cs; exits 0 either way (the test judges the outcome).
import nodemailer from "nodemailer";

const job = JSON.parse(process.env.SMTP_JOB);

const transport = nodemailer.createTransport({
  host: "127.0.0.1",
  port: job.port,
  secure: job.implicitTls === true,
  // STARTTLS unless the test wants a plain-text session: requireTLS fails the send rather than falling back.
  requireTLS: job.implicitTls !== true && job.plainText !== true,
  ignoreTLS: job.plainText === true,
  auth: { user: job.user, pass: job.pass },
  // Trust exactly the listener's self-signed certificate.
  tls: { ca: job.caPem, servername: "localhost" },
  connectionTimeout: 15000,
  greetingTimeout: 15000,
  socketTimeout: 30000,
});

const message = {
  envelope: { from: job.from, to: job.to },
  from: job.from,
  to: job.to[0],
  subject: job.subject ?? "Hello from nodemailer",
  text: job.bodySize ? "x".repeat(76).concat("\r\n").repeat(Math.ceil(job.bodySize / 78)) : "Sent by nodemailer.",
  headers: job.headers ?? {},
};

try {
  const info = await transport.sendMail(message);
  const rejected = (info.rejectedErrors ?? []).map((e) => e.response);
  console.log(JSON.stringify({ accepted: true, response: info.response, messageId: info.messageId, rejected }));
} catch (error) {
  console.log(JSON.stringify({ accepted: false, code: error.code ?? null, responseCode: error.responseCode ?? null, response: error.response ?? null, message: error.message }));
} finally {
  transport.close();
}
