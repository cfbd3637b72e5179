import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as blobs from '../../functions/adapters/blobs';
import { readLocalMailbox } from '../../functions/adapters/local-mailbox';
import { config, LOCAL_CREDENTIALS } from '../../functions/config';
import {
  BUNDLE_FILE,
  bundleFunctionTo,
  FUNCTION_NODE_OPTIONS,
} from '../../infra/constructs/function-bundling';
import { loadItem, loadRecord, seedOutboxItem } from '../support/outbox';
import { pdfText } from '../support/pdf-text';
import { diagnosticsPayload, uniqueEmail } from '../support/records';
import { useStack } from '../support/stack';

/**
 * The outbox worker as Lambda runs it: bundled by the deployment's own bundling (infra/constructs/
 * function-bundling.ts — its aliases and plugins change what the SDK, pdf-lib and nodemailer put in the bundle),
 * invoked with a table-stream event in a fresh Node process whose environment is a Lambda's: no local mode, the
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the SDK's default chain, only the endpoints
 * pointing at this stack's emulators. What the repository's code is proven to do elsewhere (outbox.test.ts,
 * outbox-faults.test.ts), the bundle must do too: render the PDF, store it in S3, record it, mail it.
 *
 * The test stack runs no worker timer, so the seeded item is this file's alone until the bundle takes it.
 */
const stack = useStack();
const ROOT = resolve(import.meta.dirname, '..', '..');
let bundleDir: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'cpd-bundled-outbox-'));
  await bundleFunctionTo(join(ROOT, 'functions', 'workers', 'outbox.ts'), bundleDir);
}, 120_000);
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

const INVOKE = `
const { handler } = await import('./${BUNDLE_FILE}');
const summary = await handler(JSON.parse(process.env.STREAM_EVENT));
process.stdout.write('\\nSUMMARY ' + JSON.stringify(summary) + '\\n');
`;

function invokeBundled(event: unknown) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', INVOKE], {
    cwd: bundleDir,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
      INSTANCE_ID: 'smolensk',
      POWERTOOLS_SERVICE_NAME: 'cpd-forms',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TABLE_NAME: 'cpd-local',
      BUCKET_NAME: 'cpd-local',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      APP_URL: stack.appUrl,
      DYNAMODB_ENDPOINT: stack.dynamodbUrl,
      S3_ENDPOINT: stack.s3Url,
      SES_ENDPOINT: stack.sesUrl,
      SES_CONFIGURATION_SET: 'cpd-forms',
      STREAM_EVENT: JSON.stringify(event),
    },
  });
  const summaryLine = run.stdout.split('\n').find((line) => line.startsWith('SUMMARY '));
  if (run.status !== 0 || !summaryLine)
    throw new Error(`bundled outbox failed (${run.status}): ${run.stderr.slice(0, 3000)}`);
  return { summary: JSON.parse(summaryLine.slice('SUMMARY '.length)), logs: run.stdout + run.stderr };
}

describe('the bundled outbox worker', () => {
  it('renders, stores, records and mails a submission through the SDK, pdf-lib and nodemailer it bundles', async () => {
    const since = new Date(Date.now() - 2000);
    const email = uniqueEmail('bundle');
    const { record, item, ref } = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    // What the table stream delivers for the insert of an outbox item (the event filter passes only these).
    const event = {
      Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: `OUTBOX#${item.id}` } } } }],
    };

    const { summary, logs } = invokeBundled(event);
    expect(summary).toMatchObject({ processed: 1, done: 1, rendered: 1, sent: 2 });
    // Lambda's logs get what the worker logs: no personal datum of the record.
    expect(logs).toContain('Outbox run');
    expect(logs).not.toContain(email);

    expect(await loadItem(item.id)).toMatchObject({ status: 'done' });
    const stored = await loadRecord(record.id);
    expect(stored.documents.map((d) => d.key)).toEqual([`records/${record.id}/request-v1.pdf`]);
    const pdf = Buffer.from((await blobs.getBlob(stored.documents[0]!.key))!.body);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf)).toContain('ЗАЯВЛЕНИЕ');

    const operator = config().instance.mailboxes.operator;
    const applicant = await readLocalMailbox({ to: email, since });
    const operators = (await readLocalMailbox({ to: operator, since })).filter((m) =>
      m.subject.includes(ref),
    );
    expect(applicant).toHaveLength(1);
    expect(operators).toHaveLength(1);
    for (const mail of [...applicant, ...operators]) {
      expect(mail.subject).toMatch(/[А-Яа-я]/);
      expect(mail.attachments).toHaveLength(1);
      const [attachment] = mail.attachments;
      expect(attachment!.contentType).toBe('application/pdf');
      expect(attachment!.filename).toMatch(/\.pdf$/);
      expect(Buffer.from(attachment!.contentBase64, 'base64').equals(pdf)).toBe(true);
    }
  });
});
