import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../../functions/config';
import { drainOutbox, link, linkOf, mailTo, resetClock, setClock, staff } from '../support/diagnostics-api';
import {
  collectiveRequest,
  individualRequest,
  participantRows,
  schoolEmail,
} from '../support/diagnostics-fixtures';
import { api, useStack } from '../support/stack';

/**
 * Deadlines in working days of the production calendar (calendar-ru.md, decree No. 1466 for 2026), with the clock
 * shifted: a request received on a Friday before a public holiday is reminded on the right working day.
 */
const stack = useStack();

afterEach(async () => {
  await resetClock(stack);
});

async function runDeadlines(): Promise<void> {
  const res = await api(stack, 'POST', '/dev/run/deadlines');
  expect(res.status).toBe(200);
  await drainOutbox(stack);
}

const withRef = <M extends { subject: string }>(mails: M[], ref: string) =>
  mails.filter((m) => m.subject.includes(ref));

describe('diagnostics deadlines over a holiday', () => {
  it('a request received on Friday 20 February 2026 (Monday 23 February is a holiday) is reminded on Friday 27 February', async () => {
    const { operator, supervisor } = config().instance.mailboxes;
    // Friday 20 February 2026, 10:00 Moscow.
    await setClock(stack, '2026-02-20T07:00:00Z');
    const created = await api(
      stack,
      'POST',
      '/v1/submissions/diagnostics-request',
      individualRequest({ email: schoolEmail('friday'), period: { from: '2026-03-02', to: '2026-03-13' } }),
    );
    expect(created.status).toBe(201);
    const ref = created.json.id.slice(0, 8);
    await drainOutbox(stack);
    // A2 5.9.4: 3 working days — Tue 24, Wed 25, Thu 26 February (23 February is a day off) — to the end of Thursday.
    const record = await api(
      stack,
      'GET',
      `/v1/submissions/${created.json.id}`,
      undefined,
      link(created.json.accessToken),
    );
    expect(record.json.dueAt).toBe('2026-02-26T20:59:59.999Z');

    // Thursday 26 February, 18:00: still within the deadline.
    await setClock(stack, '2026-02-26T15:00:00Z');
    await runDeadlines();
    expect(withRef(await mailTo(stack, operator), ref).map((m) => m.subject)).toEqual([
      `Новая заявка на диагностику № ${ref}`,
    ]);

    // Friday 27 February, 09:00: the reminder to the operator, no escalation yet.
    await setClock(stack, '2026-02-27T06:00:00Z');
    await runDeadlines();
    const reminders = withRef(await mailTo(stack, operator), ref).filter((m) =>
      m.subject.startsWith('Напоминание'),
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.subject).toBe(`Напоминание: истёк срок по записи № ${ref}`);
    expect(reminders[0]!.text).toContain('26 февраля 2026 г. истёк срок');
    expect(withRef(await mailTo(stack, supervisor), ref)).toHaveLength(0);
    await runDeadlines();
    expect(
      withRef(await mailTo(stack, operator), ref).filter((m) => m.subject.startsWith('Напоминание')),
    ).toHaveLength(1);

    // After the end of the next working day (Friday 27 February) the supervisor hears of it.
    await setClock(stack, '2026-02-28T06:00:00Z');
    await runDeadlines();
    const escalations = withRef(await mailTo(stack, supervisor), ref);
    expect(escalations.map((m) => m.subject)).toEqual([`Просрочка по записи № ${ref}`]);

    const withdrawn = await api(
      stack,
      'POST',
      `/v1/submissions/${created.json.id}/actions/withdraw`,
      {},
      link(created.json.accessToken),
    );
    expect(withdrawn.status).toBe(200);
  });

  it('a consent requested on Friday 6 March 2026 (Monday 9 March is a holiday) is reminded on Tuesday 17 March, then the head on Wednesday 18 March', async () => {
    // Friday 6 March 2026, 10:00 Moscow.
    await setClock(stack, '2026-03-06T07:00:00Z');
    const operator = await staff(stack, ['operator']);
    const rows = participantRows(1);
    const body = collectiveRequest({
      rows,
      school: 'gagarin1',
      period: { from: '2026-03-23', to: '2026-03-27' },
    });
    const created = await api(stack, 'POST', '/v1/submissions/collective-diagnostics-request', body);
    expect(created.status).toBe(201);
    await drainOutbox(stack);
    const parent = await api(stack, 'GET', `/v1/submissions/${created.json.id}`, undefined, operator);
    const consentId = parent.json.children[0].id as string;
    // 5 working days (instance setting): Tue 10, Wed 11, Thu 12, Fri 13, Mon 16 March.
    const consent = await api(stack, 'GET', `/v1/submissions/${consentId}`, undefined, operator);
    expect(consent.json.dueAt).toBe('2026-03-16T20:59:59.999Z');
    const teacher = rows[0]!.email;
    const headLink = linkOf((await mailTo(stack, body.head.email))[0]!)!;
    const reminderSubject = 'Напоминание: ответьте на запрос согласия на диагностику';
    const headSubject = 'Педагог не ответил на запрос согласия на диагностику';

    await setClock(stack, '2026-03-16T15:00:00Z');
    await runDeadlines();
    expect((await mailTo(stack, teacher)).filter((m) => m.subject === reminderSubject)).toHaveLength(0);

    // Tuesday 17 March, 09:00: the teacher is reminded, with a link that still answers.
    await setClock(stack, '2026-03-17T06:00:00Z');
    await runDeadlines();
    const reminders = (await mailTo(stack, teacher)).filter((m) => m.subject === reminderSubject);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain('16 марта 2026 г. истёк срок ответа');
    const described = await api(stack, 'GET', `/v1/links/${linkOf(reminders[0]!)}`);
    expect(described.json.recordId).toBe(consentId);
    expect(described.json.actions.sort()).toEqual(['decline', 'give']);
    expect((await mailTo(stack, body.head.email)).filter((m) => m.subject === headSubject)).toHaveLength(0);

    // Wednesday 18 March, 09:00: the head is told, not the supervisor mailbox.
    await setClock(stack, '2026-03-18T06:00:00Z');
    await runDeadlines();
    const toHead = (await mailTo(stack, body.head.email)).filter((m) => m.subject === headSubject);
    expect(toHead).toHaveLength(1);
    expect(toHead[0]!.text).toContain('Ковалёва Ирина Николаевна — математика');
    expect(toHead[0]!.text).toContain('напоминание педагогу направлено 17.03.2026');
    const supervisorMails = await mailTo(stack, config().instance.mailboxes.supervisor);
    expect(supervisorMails.filter((m) => m.subject.includes(consentId.slice(0, 8)))).toHaveLength(0);

    // The head withdraws the request: the consent closes and its link no longer answers.
    expect(
      (await api(stack, 'POST', `/v1/submissions/${created.json.id}/actions/withdraw`, {}, link(headLink)))
        .status,
    ).toBe(200);
    await drainOutbox(stack);
    const later = await staff(stack, ['operator']);
    expect((await api(stack, 'GET', `/v1/submissions/${consentId}`, undefined, later)).json.stage).toBe(
      'closed',
    );
  });
});
