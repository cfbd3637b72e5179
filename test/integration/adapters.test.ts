import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getBlob, MAX_PRESIGN_SECONDS, presignGet, putBlob } from '../../functions/adapters/blobs';
import { composeMime, sendMail } from '../../functions/adapters/mail';
import { ConditionFailedError, TransactionRefusedError } from '../../functions/adapters/storage-errors';
import { get, put, putNew, query, queryAll, transactWrite, update } from '../../functions/adapters/table';
import { contentDisposition } from '../../functions/documents/file-names';
import { samplePdf } from '../support/pdf';
import { api, useStack } from '../support/stack';

const stack = useStack();

describe('table adapter against DynamoDB Local', () => {
  it('writes two items in one transaction, and neither when one condition fails', async () => {
    const id = randomUUID();
    await transactWrite([
      { put: { pk: `T#${id}`, sk: 'A', n: 1 }, condition: { expression: 'attribute_not_exists(pk)' } },
      { put: { pk: `T#${id}`, sk: 'B', n: 2 }, condition: { expression: 'attribute_not_exists(pk)' } },
    ]);
    expect(await get({ pk: `T#${id}`, sk: 'A' })).toMatchObject({ n: 1 });
    expect(await get({ pk: `T#${id}`, sk: 'B' })).toMatchObject({ n: 2 });

    const refused = transactWrite([
      { put: { pk: `T#${id}`, sk: 'C', n: 3 } },
      { put: { pk: `T#${id}`, sk: 'A', n: 9 }, condition: { expression: 'attribute_not_exists(pk)' } },
    ]);
    await expect(refused).rejects.toBeInstanceOf(TransactionRefusedError);
    await expect(refused).rejects.toMatchObject({ failedIndexes: [1], conflict: false });
    expect(await get({ pk: `T#${id}`, sk: 'C' })).toBeUndefined();
    expect(await get({ pk: `T#${id}`, sk: 'A' })).toMatchObject({ n: 1 });
  });

  it('refuses a conditional put on an existing key and keeps the stored item', async () => {
    const key = { pk: `C#${randomUUID()}`, sk: 'record' };
    await putNew({ ...key, version: 1, title: 'первая' });
    await expect(putNew({ ...key, version: 1, title: 'вторая' })).rejects.toBeInstanceOf(
      ConditionFailedError,
    );
    await expect(
      update(
        key,
        { expression: 'SET title = :t', values: { ':t': 'третья' } },
        { expression: 'version = :v', values: { ':v': 7 } },
      ),
    ).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await get(key)).toMatchObject({ version: 1, title: 'первая' });
  });

  it('pages through a query with an opaque cursor, in both orders', async () => {
    const pk = `Q#${randomUUID()}`;
    for (let i = 1; i <= 5; i++) await put({ pk, sk: `item#${i}`, i });
    const first = await query({ partition: pk, limit: 2 });
    expect(first.items.map((x) => x.i)).toEqual([1, 2]);
    expect(first.cursor).toBeTypeOf('string');
    const second = await query({ partition: pk, limit: 2, cursor: first.cursor });
    expect(second.items.map((x) => x.i)).toEqual([3, 4]);
    expect((await queryAll({ partition: pk, newestFirst: true })).map((x) => x.i)).toEqual([5, 4, 3, 2, 1]);
    expect((await queryAll({ partition: pk, sort: { between: ['item#2', 'item#3'] } })).length).toBe(2);
  });

  it('treats an item past its TTL as gone before DynamoDB sweeps it', async () => {
    const pk = `E#${randomUUID()}`;
    await put({ pk, sk: 'old', expiresAt: Math.floor(Date.now() / 1000) - 60 });
    await put({ pk, sk: 'live', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    expect(await get({ pk, sk: 'old' })).toBeUndefined();
    expect((await queryAll({ partition: pk })).map((x) => x.sk)).toEqual(['live']);
  });
});

describe('blob adapter against s3rver', () => {
  it('stores a PDF and serves the same bytes through a presigned URL of at most 15 minutes', async () => {
    const pdf = await samplePdf('Invitation');
    const key = `documents/${randomUUID()}/invitation.pdf`;
    await putBlob({ key, body: pdf, contentType: 'application/pdf', tags: { retention: 'route' } });
    expect(Buffer.from((await getBlob(key))!.body).equals(Buffer.from(pdf))).toBe(true);

    const url = await presignGet(key, {
      expiresInSeconds: 3600,
      contentDisposition: contentDisposition('Приглашение на диагностику'),
    });
    expect(Number(new URL(url).searchParams.get('X-Amz-Expires'))).toBe(MAX_PRESIGN_SECONDS);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(decodeURIComponent(disposition)).toContain("filename*=UTF-8''Приглашение на диагностику.pdf");
    expect(disposition).toContain('filename="Priglashenie na diagnostiku.pdf"');
    expect(await getBlob(`documents/${randomUUID()}/none.pdf`)).toBeUndefined();
  });
});

describe('mail adapter against aws-ses-v2-local', () => {
  it('delivers a Russian subject, display name and PDF attachment byte for byte', async () => {
    const pdf = await samplePdf('Results');
    const to = `uchitel-${randomUUID().slice(0, 8)}@school.example.ru`;
    const subject = 'Приглашение на диагностику профессиональных дефицитов — заявка № 5';
    const since = new Date(Date.now() - 1000).toISOString();
    await sendMail({
      to: [{ address: to, name: 'Иванова Мария Петровна' }],
      subject,
      text: 'Здравствуйте, Мария Петровна! Приглашение во вложении.',
      html: '<p>Здравствуйте, Мария Петровна!</p>',
      attachments: [{ filename: 'Приглашение.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const { status, json } = await api(
      stack,
      'GET',
      `/dev/mailbox?to=${encodeURIComponent(to)}&since=${since}`,
    );
    expect(status).toBe(200);
    expect(json).toHaveLength(1);
    const mail = json[0];
    expect(mail.subject).toBe(subject);
    expect(mail.to).toEqual([to]);
    expect(mail.from).toContain('no-reply@forms.example-soiro.ru');
    expect(mail.text).toContain('Мария Петровна');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      filename: 'Приглашение.pdf',
      contentType: 'application/pdf',
    });
    expect(Buffer.from(mail.attachments[0].contentBase64, 'base64').equals(Buffer.from(pdf))).toBe(true);
  });

  it('encodes non-ASCII headers instead of sending raw UTF-8', async () => {
    const raw = (
      await composeMime({ to: [{ address: 'a@b.ru', name: 'Пётр' }], subject: 'Тема', text: 'текст' })
    ).toString('latin1');
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headerBlock).toMatch(/^Subject: =\?UTF-8\?/m);
    expect([...headerBlock].every((ch) => ch.charCodeAt(0) < 128)).toBe(true);
  });
});
