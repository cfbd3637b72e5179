import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer';
import { config } from '../config';
import { clientOptions } from './aws-clients';

/**
 * The mail adapter: SES v2 SendEmail with a raw MIME message built by nodemailer's MailComposer, so PDFs go as
 * real attachments and Russian subjects, display names and file names are encoded per RFC 2047/2231.
 */

export interface MailAddress {
  address: string;
  /** Display name, e.g. "ЦНППМ ГАУ ДПО СОИРО". */
  name?: string;
}

export interface MailAttachment {
  filename: string;
  content: Uint8Array;
  contentType: string;
}

export interface OutgoingMail {
  to: MailAddress[];
  cc?: MailAddress[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /** Stable id of the message (e.g. the outbox item), sent as a header so a duplicate is traceable. */
  reference?: string;
}

let ses: SESv2Client | undefined;

function client(): SESv2Client {
  ses ??= new SESv2Client(clientOptions(config().endpoints.ses));
  return ses;
}

/** Build the raw MIME message (exposed for tests and for the size check before sending). */
export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  const c = config();
  const composer = new MailComposer({
    from: {
      name: `${c.instance.centre.short} ${c.instance.institute.short}`,
      address: c.instance.mailboxes.sender,
    },
    replyTo: c.instance.mailboxes.replyTo,
    to: mail.to.map((a) => ({ name: a.name ?? '', address: a.address })),
    cc: mail.cc?.map((a) => ({ name: a.name ?? '', address: a.address })),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.reference ? { 'X-Cpd-Reference': mail.reference } : undefined,
    attachments: mail.attachments?.map((a) => ({
      filename: a.filename,
      content: Buffer.from(a.content),
      contentType: a.contentType,
    })),
  });
  return composer.compile().build();
}

/** Send one message; returns the service's message id. */
export async function sendMail(mail: OutgoingMail): Promise<string> {
  const raw = await composeMime(mail);
  const out = await client().send(
    new SendEmailCommand({
      Content: { Raw: { Data: raw } },
      ConfigurationSetName: config().sesConfigurationSet,
    }),
  );
  return out.MessageId ?? '';
}
