import { describe, expect, it } from 'vitest';
import * as table from '../../functions/adapters/table';
import { answerAll, drainOutbox, staff, submitCollective } from '../support/diagnostics-api';
import {
  collectiveRequest,
  individualRequest,
  participantRows,
  TEACHERS,
} from '../support/diagnostics-fixtures';
import { diagnosticsRequest } from '../support/fixtures';
import { internshipApplication } from '../support/internship-fixtures';
import { readCapture } from '../support/pii-capture';
import { findPersonalData, personalValuesOf } from '../support/pii-scan';
import { diagnosticsPayload, outboxItemFor, recordItem } from '../support/records';
import { longStaffToken } from '../support/route-api';
import { routeFixture } from '../support/routes';
import { api, useStack } from '../support/stack';

/**
 * No personal datum in any log line, URL or error message (issue 9, item 5; 152-FZ; DESIGN.md convention 4).
 * The test stack runs the handlers at DEBUG and captures what they log, every URL requested or redirected to and
 * every error answer (test/support/pii-capture.ts). This file runs last (test/support/last-sequencer.ts), so it
 * scans the whole integration run; alone, it scans the traffic it makes itself. The personal values are those of
 * the fixtures and those actually posted during the run; any email address at all counts as one.
 */
const stack = useStack();

/** The personal data of every fixture of test/support. */
function fixtureValues(): string[] {
  return [
    individualRequest(),
    collectiveRequest(),
    diagnosticsRequest(),
    internshipApplication(3).body,
    routeFixture(),
    TEACHERS,
  ].flatMap((fixture) => personalValuesOf(fixture));
}

/**
 * URLs that may carry a personal datum by contract, and why:
 * - /dev/* exist only under `npm start` (the mailbox is read by recipient); no deployment routes them;
 * - the staff queue's search `q` (API.md: a number, a surname, an organisation): typed by staff, answered to staff,
 *   and the API's access log records the route key only, never the query (infra/stacks/stateless-stack.ts).
 */
function scannedUrl(url: string): string | undefined {
  if (url.startsWith('/dev/')) return undefined;
  if (!/^\/(v1\/submissions|staff)(\?|$)/.test(url)) return url;
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.delete('q');
  return `${path}?${params}`;
}

/** Every URL of every mail captured (party links, the app's address). */
async function mailUrls(): Promise<string[]> {
  const mails = (await api(stack, 'GET', '/dev/mailbox')).json as { text: string; html: string }[];
  return mails.flatMap((m) => `${m.text}\n${m.html}`.match(/https?:\/\/[^\s"'<>)]+/g) ?? []);
}

describe('personal data in logs, URLs and error messages', () => {
  it('appears nowhere in what the handlers logged, the URLs and the error answers of the run', async () => {
    // Traffic of its own, so the scan has something to read when this file runs alone: two submissions with
    // their mails and children, consents, a route, refusals, both workers.
    const run = await submitCollective(stack, { rows: participantRows(2), school: 'smolensk33' });
    await answerAll(stack, run);
    const individual = await api(stack, 'POST', '/v1/submissions/diagnostics-request', individualRequest());
    expect(individual.status).toBe(201);
    const centre = await longStaffToken(stack, 'developer-pii@soiro.example.ru', ['centre']);
    expect((await api(stack, 'POST', '/v1/submissions/route', routeFixture(), centre)).status).toBe(201);
    const invalid = individualRequest();
    invalid.participant.phone = '12';
    expect((await api(stack, 'POST', '/v1/submissions/diagnostics-request', invalid)).status).toBe(400);
    // Broken bodies carrying a person's data: a JSON parser's message quotes its input, and must reach no log.
    const truncated = JSON.stringify(individualRequest()).slice(0, -40);
    expect((await api(stack, 'POST', '/v1/submissions/diagnostics-request', truncated)).status).toBe(400);
    const asText = { 'content-type': 'text/plain' };
    const typed = await api(stack, 'POST', '/v1/submissions/diagnostics-request', undefined, asText);
    expect(typed.status).toBeGreaterThanOrEqual(400);
    const form = await fetch(`${stack.appUrl}/forms/diagnostics-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.appUrl },
      body: new URLSearchParams({
        'participant.person.lastName': 'Лебедева',
        'participant.email': 'lebedeva-form@school.example.ru',
      }),
    });
    expect(form.status).toBe(400);
    expect((await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, centre)).status).toBe(200);
    const operator = await staff(stack, ['operator']);
    expect(
      (await api(stack, 'GET', `/v1/submissions/${individual.json.id}/history`, undefined, operator)).status,
    ).toBe(200);
    expect((await api(stack, 'POST', '/dev/run/deadlines')).status).toBe(200);
    // The handlers log little on the happy path; an outbox item whose record is gone makes the worker log a
    // warning with its context, so the scan sees a real line of the product written through the capture.
    const gone = recordItem({ stage: 'submitted', payload: diagnosticsPayload() });
    const orphan = outboxItemFor(gone, { type: 'enter-stage', stage: 'submitted', version: 1 });
    await table.put(orphan as unknown as table.Item);
    await drainOutbox(stack);

    const logs = readCapture(stack.dataDir, 'logs');
    const urls = readCapture(stack.dataDir, 'urls');
    const errors = readCapture(stack.dataDir, 'errors');
    const posted = readCapture(stack.dataDir, 'posted');
    // The capture works: the worker's warning, this file's requests, bodies and refusals.
    expect(logs.find((l) => l.includes(orphan.id))).toMatch(/"level":"WARN".*"recordId":"/);
    expect(urls).toContain(`/v1/submissions/${individual.json.id}/history`);
    expect(posted).toEqual(expect.arrayContaining([invalid.participant.email, run.rows[0]!.person.lastName]));
    expect(errors.some((e) => e.includes('participant.phone'))).toBe(true);

    const values = new Set([...fixtureValues(), ...posted]);
    // The number the phone field's message gives as an example (forms/common/types.ts, DOMAIN.md "Common types"),
    // which some fixtures borrow: nobody's number.
    for (const value of values) if (value.replace(/\D/g, '').endsWith('9123456789')) values.delete(value);
    const findings = [
      ...findPersonalData('log', logs, values),
      ...findPersonalData(
        'url',
        urls.map(scannedUrl).filter((u): u is string => u !== undefined),
        values,
      ),
      ...findPersonalData('mail url', await mailUrls(), values),
      ...findPersonalData('error message', errors, values),
    ];
    console.log(
      `PII scan: ${logs.length} log lines, ${urls.length} URLs, ${errors.length} error answers against ${values.size} personal values`,
    );
    expect(findings.map((f) => `${f.where}: «${f.value}» in ${f.text.slice(0, 300)}`)).toEqual([]);
  }, 120_000);
});
