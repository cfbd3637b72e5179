import { describe, expect, it } from 'vitest';
import { findPersonalData, personalValuesOf } from '../support/pii-scan';

/** The scanner of the personal-data scan can fail: it finds a person's data however a log line or URL holds it. */
describe('personal-data scanner', () => {
  const body = {
    participant: {
      person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' },
      email: 'Ivanova-1@School.example.ru',
      phone: '8 (4812) 38-12-34',
      organization: { name: 'МБОУ «Средняя школа № 5»', inn: '7707083893' },
    },
    form: 'standardized',
    comment: 'Удобнее во второй половине дня',
  };

  it('takes names, emails, phones and INN from a body, and nothing else', () => {
    expect(personalValuesOf(body).sort()).toEqual(
      [
        'Иванова',
        'Мария',
        'Петровна',
        'ivanova-1@school.example.ru',
        '8 (4812) 38-12-34',
        '+74812381234',
        '4812381234',
        '7707083893',
      ].sort(),
    );
    expect(
      personalValuesOf(
        'participant.person.lastName=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0&form=self',
        'application/x-www-form-urlencoded',
      ),
    ).toEqual(['Иванова']);
    // A random string a fuzzer posts as a name is not taken for one.
    expect(personalValuesOf({ person: { lastName: 'x!', firstName: 'ab' } })).toEqual([]);
  });

  it('finds a name in a Powertools line, an encoded surname in a URL, a stored phone, any email address', () => {
    const values = personalValuesOf(body);
    const logged = JSON.stringify({ level: 'INFO', message: 'Outbox run', recipient: 'Иванова М.П.' });
    expect(findPersonalData('log', [logged], values).map((f) => f.value)).toEqual(['Иванова']);
    const url = `/v1/submissions?kind=route&q=${encodeURIComponent('Петровна')}`;
    expect(findPersonalData('url', [url], values).map((f) => f.value)).toEqual(['Петровна']);
    expect(findPersonalData('log', ['{"to":"+74812381234"}'], values).map((f) => f.value)).toEqual([
      '4812381234',
    ]);
    expect(findPersonalData('log', ['звонить 8 (4812) 38-12-34'], values).map((f) => f.value)).toEqual([
      '4812381234',
    ]);
    expect(findPersonalData('log', ['{"inn":"7707083893"}'], values).map((f) => f.value)).toEqual([
      '7707083893',
    ]);
    expect(
      findPersonalData('error', ['Адрес someone@else.example.org занят'], []).map((f) => f.value),
    ).toEqual(['someone@else.example.org']);
  });

  it('passes lines with ids, codes and counts only', () => {
    const clean = JSON.stringify({
      level: 'INFO',
      message: 'Outbox run',
      recordId: '6f1c2d4e-0000-4000-8000-000000000000',
      processed: 3,
      timestamp: '2026-11-22T12:00:00.000Z',
    });
    expect(
      findPersonalData('log', [clean, '/l/AbCdEf0123456789', '/v1/forms/route'], personalValuesOf(body)),
    ).toEqual([]);
  });
});
