import { describe, expect, it } from 'vitest';
import {
  answerAll,
  attachmentText,
  conductAndIssue,
  download,
  link,
  linkOf,
  mailTo,
  staff,
  submitCollective,
} from '../support/diagnostics-api';
import { DEFICITS, participantRows, results, today } from '../support/diagnostics-fixtures';
import { api, useStack } from '../support/stack';

/**
 * A2 6.3: individual results go to the participant alone. After the results of a collective request are issued,
 * everything the head and the applicant can reach — every endpoint with every link they were given, every mail they
 * received and every PDF attached or downloadable — is searched for any result value, deficit code or results
 * document. Other participants' links cannot open someone else's results either.
 */
const stack = useStack();

const sample = results();
/** What must never reach the head or the applicant. */
const SECRETS = [
  DEFICITS.lesson.code,
  DEFICITS.lesson.title,
  DEFICITS.digital.code,
  DEFICITS.digital.title,
  ...sample.recommendations,
  '18 из 20',
  '11 из 20',
  'Результаты диагностики.pdf',
  'Уведомление о результатах',
  'УВЕДОМЛЕНИЕ о результатах',
  'высокий',
  'низкий',
  '"results"',
  '"level"',
  '"deficits"',
  '"recommendations"',
  '"score"',
];

function assertClean(where: string, content: string): void {
  for (const secret of SECRETS) {
    expect(content.includes(secret), `${where} reveals «${secret}»`).toBe(false);
  }
}

describe('privacy of individual results (A2 6.3)', () => {
  it('nothing the head or the applicant can reach after results are issued shows a result', async () => {
    const operator = await staff(stack, ['operator']);
    const run = await submitCollective(stack, { rows: participantRows(6), school: 'safonovo4' });
    await answerAll(stack, run, [5]);
    await conductAndIssue(stack, run, today(), [5]);
    const parent = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator);
    expect(parent.json.stage).toBe('results-issued');

    // What the staff see, to aim at: the consent records and their results documents.
    const consentIds = [...run.consents.values()];
    const resultsDocs: { recordId: string; docId: string }[] = [];
    for (const consentId of consentIds) {
      const consent = await api(stack, 'GET', `/v1/submissions/${consentId}`, undefined, operator);
      for (const doc of consent.json.documents as { id: string; name: string }[]) {
        if (doc.name === 'results') resultsDocs.push({ recordId: consentId, docId: doc.id });
      }
    }
    expect(resultsDocs).toHaveLength(5);
    // The staff do see them, so the search below can find what leaks.
    const staffSees = await download(stack, resultsDocs[0]!.recordId, resultsDocs[0]!.docId, operator);
    expect(staffSees.body).toContain(DEFICITS.lesson.code);

    // Every mail the head (who is also the applicant) received, with every attachment.
    const mails = await mailTo(stack, run.headEmail);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('принята: идёт сбор согласий педагогов'),
      expect.stringContaining('Согласия собраны'),
      expect.stringContaining('Диагностика профессиональных дефицитов назначена'),
      expect.stringContaining('завершена'),
    ]);
    for (const mail of mails) {
      assertClean(`mail «${mail.subject}»`, `${mail.subject}\n${mail.text}\n${mail.html}`);
      for (const a of mail.attachments) {
        expect(a.filename).not.toContain('Результаты');
        assertClean(`attachment ${a.filename} of «${mail.subject}»`, attachmentText(mail, a.filename));
      }
    }
    expect(mails.at(-1)!.text).toContain('результаты направлены 5 участникам');

    // Every credential they hold: the links in their mails and the applicant's access token.
    const tokens = [
      ...new Set([...mails.map(linkOf).filter((t): t is string => Boolean(t)), run.accessToken]),
    ];
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    const actions = Object.keys(
      (await api(stack, 'GET', '/v1/forms/collective-diagnostics-request')).json.actions,
    );
    for (const token of tokens) {
      const as = link(token);
      const seen: string[] = [];
      const read = async (label: string, method: string, path: string, body?: unknown) => {
        const res = await api(stack, method, path, body, as);
        seen.push(`${label} ${res.status} ${res.text}`);
        return res;
      };
      const described = await read('link', 'GET', `/v1/links/${token}`);
      expect(described.json.recordId).toBe(run.id);
      expect(['head', 'applicant']).toContain(described.json.party);
      const page = await fetch(`${stack.appUrl}/l/${token}`);
      seen.push(`page ${page.status} ${await page.text()}`);
      const view = await read('record', 'GET', `/v1/submissions/${run.id}`);
      expect(view.status).toBe(200);
      expect(view.json.payload.resultsIssuedCount).toBe(5);
      expect(view.json.children).toBeUndefined();
      await read('history', 'GET', `/v1/submissions/${run.id}/history`);
      for (const doc of view.json.documents as { id: string; name: string }[]) {
        const file = await download(stack, run.id, doc.id, as);
        expect(file.status).toBe(302);
        seen.push(`document ${doc.name} ${file.body}`);
      }
      for (const { recordId, docId } of resultsDocs) {
        const onParent = await download(stack, run.id, docId, as);
        expect(onParent.status).toBe(404);
        const onConsent = await download(stack, recordId, docId, as);
        expect(onConsent.status).toBe(403);
        seen.push(`results document ${onParent.body} ${onConsent.body}`);
      }
      for (const consentId of consentIds) {
        expect((await read('consent', 'GET', `/v1/submissions/${consentId}`)).status).toBe(403);
        expect((await read('consent history', 'GET', `/v1/submissions/${consentId}/history`)).status).toBe(
          403,
        );
        expect(
          (
            await read('consent action', 'POST', `/v1/submissions/${consentId}/actions/give`, {
              blocks: ['subject'],
              personalDataConsent: true,
            })
          ).status,
        ).toBe(403);
      }
      for (const action of actions) {
        const res = await read(`action ${action}`, 'POST', `/v1/submissions/${run.id}/actions/${action}`, {});
        expect(res.status).toBeGreaterThanOrEqual(400);
      }
      expect((await read('queue', 'GET', '/v1/submissions?kind=consent')).status).toBe(401);
      expect(
        (await read('report', 'GET', `/v1/reports/diagnostics?from=${today()}&to=${today()}`)).status,
      ).toBe(403);
      assertClean(`what link ${described.json.party} reaches`, seen.join('\n'));
    }
  });

  it("a participant's link opens their own results and nobody else's", async () => {
    const run = await submitCollective(stack, { rows: participantRows(2), school: 'roslavl9' });
    await answerAll(stack, run);
    await conductAndIssue(stack, run, today());
    const [a, b] = run.participantIds;
    const tokenA = run.consentLinks.get(a!)!;
    const own = await api(stack, 'GET', `/v1/submissions/${run.consents.get(a!)}`, undefined, link(tokenA));
    expect(own.json.payload.results.deficits[0].code).toBe(DEFICITS.lesson.code);
    const other = await api(stack, 'GET', `/v1/submissions/${run.consents.get(b!)}`, undefined, link(tokenA));
    expect(other.status).toBe(403);
    assertClean('another participant’s record', other.text);
    const parent = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, link(tokenA));
    expect(parent.status).toBe(403);
    assertClean('the request through a participant link', parent.text);
  });
});
