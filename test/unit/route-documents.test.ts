import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyChanges } from '../../forms/route/rules';
import { type RoutePayload, RouteSchema } from '../../forms/route/schema';
import { route } from '../../forms/route/workflow';
import type { CorrectionPayload } from '../../forms/route-correction/schema';
import { routeCorrection } from '../../forms/route-correction/workflow';
import { config, provideRuntimeEnv } from '../../functions/config';
import type { KindDefinition, RecordState } from '../../functions/core/kind';
import { renderMail } from '../../functions/documents/mail-render';
import { renderDocument, templateContext } from '../../functions/documents/render';
import { pdfText } from '../support/pdf-text';
import { routeFixture } from '../support/routes';

/**
 * The route's documents (the Карта ИОМ of seed 004, Appendix 3; the correction sheet; the curator's conclusion) and
 * every mail of the two kinds, rendered from realistic records and read back with pdftotext.
 */

beforeAll(() => {
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 't',
    BUCKET_NAME: 'b',
    AWS_REGION: 'eu-central-1',
  });
});

const routeKind = route as unknown as KindDefinition<unknown>;
const correctionKind = routeCorrection as unknown as KindDefinition<unknown>;

/** An active route in its third revision: two marks, one correction in review, one signed by all three. */
function activeRoute(): RecordState<RoutePayload> {
  const base = RouteSchema.parse(routeFixture()) as RoutePayload;
  const [courses, seminar, , openLesson] = base.roadmap.activities;
  const moved = applyChanges(base, [
    {
      op: 'update-activity',
      activityId: openLesson!.id,
      patch: { period: { from: '2026-09-14', to: '2026-09-24' } },
    },
  ]);
  if ('violation' in moved) throw new Error('fixture');
  return {
    id: '3f2a1c9e-7b6d-4e5f-8a9b-0c1d2e3f4a5b',
    kind: 'route',
    number: 'ИОМ-67-2026-00042',
    stage: 'active',
    version: 14,
    createdAt: '2026-02-20T07:00:00.000Z',
    updatedAt: '2026-05-07T07:00:00.000Z',
    enteredAt: '2026-02-27T09:00:00.000Z',
    payload: {
      ...moved.route,
      revision: 3,
      roadmap: {
        ...moved.route.roadmap,
        activities: moved.route.roadmap.activities.map((a) =>
          a.id === courses!.id
            ? {
                ...a,
                mark: { done: true, evidence: 'Удостоверение № 672400012345', at: '2026-04-09T08:00:00Z' },
              }
            : a.id === seminar!.id
              ? {
                  ...a,
                  mark: {
                    done: false,
                    evidence: 'Семинар отменён организатором',
                    at: '2026-04-17T08:00:00Z',
                  },
                }
              : a,
        ),
      },
      approval: { at: '2026-02-27T09:00:00.000Z', name: 'Сидоров Андрей Викторович' },
      changeLog: [
        {
          revision: 2,
          at: '2026-02-25T08:00:00.000Z',
          kind: 'correction',
          correctionId: 'c1',
          reason: 'Курсы совпадают с подготовкой к ВПР',
          proposedBy: { party: 'teacher', name: 'Иванова Мария Петровна' },
          decidedBy: { party: 'centre', name: 'ЦНППМ ГАУ ДПО СОИРО' },
          changes: [
            { what: 'Изменено мероприятие', before: '«Курсы» (09.03.2026)', after: '«Курсы» (16.03.2026)' },
          ],
          acknowledgementRequired: false,
          acknowledgements: [],
        },
        {
          revision: 3,
          at: '2026-05-06T08:00:00.000Z',
          kind: 'correction',
          correctionId: 'c2',
          reason: 'Открытый урок переносится на начало учебного года',
          proposedBy: { party: 'teacher', name: 'Иванова Мария Петровна' },
          decidedBy: { party: 'curator', name: 'Петрова Ольга Николаевна' },
          changes: moved.described,
          acknowledgementRequired: true,
          acknowledgements: [
            { party: 'teacher', name: 'Иванова Мария Петровна', at: '2026-05-07T06:15:00.000Z' },
            { party: 'head', name: 'Сидоров Андрей Викторович', at: '2026-05-07T07:40:00.000Z' },
          ],
        },
      ],
      progress: [
        { date: '2026-04-20', note: 'Курсы пройдены, итоговая работа защищена на «отлично»', at: '' },
      ],
    },
  };
}

function correction(stage: string, extra: Partial<CorrectionPayload> = {}): RecordState<CorrectionPayload> {
  return {
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    kind: 'route-correction',
    stage,
    version: 3,
    createdAt: '2026-05-05T07:00:00.000Z',
    updatedAt: '2026-05-06T07:00:00.000Z',
    enteredAt: '2026-05-06T07:00:00.000Z',
    parentId: '3f2a1c9e-7b6d-4e5f-8a9b-0c1d2e3f4a5b',
    payload: {
      routeId: '3f2a1c9e-7b6d-4e5f-8a9b-0c1d2e3f4a5b',
      baseVersion: 2,
      reason: 'Открытый урок переносится на начало учебного года',
      changes: [{ op: 'change-end', end: '2026-12-20' }],
      proposedBy: { party: 'teacher', name: 'Иванова Мария Петровна', email: 'ivanova@school.example.ru' },
      proposedAt: '2026-05-05T07:00:00.000Z',
      routeStage: 'active',
      route: {
        number: 'ИОМ-67-2026-00042',
        teacher: { name: 'Иванова Мария Петровна', email: 'ivanova@school.example.ru' },
        curator: { name: 'Петрова Ольга Николаевна', email: 'petrova@soiro.example.ru' },
        head: { name: 'Сидоров Андрей Викторович', email: 'sidorov@school.example.ru' },
      },
      described: [{ what: 'Изменена дата окончания маршрута', before: '01.12.2026', after: '20.12.2026' }],
      ...extra,
    },
  };
}

async function text(
  kind: KindDefinition<unknown>,
  doc: string,
  record: RecordState<unknown>,
): Promise<string> {
  return pdfText(await renderDocument(kind, doc, record, config().instance));
}

/** Lines as laid out (pdftotext -layout), spaces folded: a table row's first lines stay together. */
async function lines(
  kind: KindDefinition<unknown>,
  doc: string,
  record: RecordState<unknown>,
): Promise<string[]> {
  const pdf = await renderDocument(kind, doc, record, config().instance);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: Buffer.from(pdf) })
    .toString('utf8')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim());
}

describe('the route card (Карта ИОМ, A3 4.3.9, 5.1–5.11)', () => {
  it('has the title page, the three sections of the template with the five category rows, marks and the change log', async () => {
    const card = await text(routeKind, 'route-card', activeRoute());
    const inOrder = [
      'Государственное автономное учреждение дополнительного профессионального образования «Смоленский областной институт развития образования»',
      'Центр непрерывного повышения профессионального мастерства педагогических работников',
      'Индивидуальный образовательный маршрут № ИОМ-67-2026-00042',
      'Редакция 3',
      'ФИО педагогического работника Иванова Мария Петровна',
      'ФИО тьютора',
      'г. Смоленск',
      '1. Информационная справка о педагогическом работнике',
      'Преподаваемый предмет математика',
      'Образование высшее педагогическое',
      'Педагогический стаж 12 лет',
      'Квалификационная категория первая',
      'Контактный телефон (моб.) +7 912 345-67-89',
      '2. Результаты диагностики профессиональных дефицитов',
      '2.2. Дата диагностики 16.02.2026',
      'средний',
      'М-2 Проектирование уроков с использованием цифровых образовательных ресурсов',
      '2.4. Рекомендации',
      '3. Дорожная карта по устранению выявленных дефицитов',
      'Продолжительность прохождения ИОМ: 9 месяцев',
      'Начало: 02.03.2026',
      'Окончание: 01.12.2026',
      'Категория мероприятий',
      'Отметка о выполнении',
      'Дата следующей диагностики 15.12.2026',
      'Дата разработки индивидуального образовательного маршрута 02.03.2026',
      'Лист изменений',
    ];
    let from = 0;
    for (const part of inOrder) {
      const at = card.indexOf(part, from);
      expect(at, `«${part}» after position ${from}`).toBeGreaterThanOrEqual(0);
      from = at + part.length;
    }
    // Table cells wrap, so pdftotext interleaves their lines: check what each row must show, piece by piece.
    for (const row of [
      'Получение дополнительных знаний, опыта',
      'Профессиональное',
      'Демонстрация личного опыта',
      'Наставничество',
      'Профилактика профессионального выгорания',
      '1. Курсы повышения квалификации «Цифровая дидактика',
      '09.03.2026 — 08.04.2026',
      'М-2, Ц-1',
      '☑ выполнено (отметка 09.04.2026): Удостоверение № 672400012345',
      'не выполнено (отметка 17.04.2026): Семинар отменён организатором',
      '14.09.2026 — 24.09.2026',
    ])
      expect(card).toContain(row);
    expect(card.match(/☐/g)).toHaveLength(4);
    // The change log: both revisions, the acknowledgements of the one made during implementation.
    const laid = await lines(routeKind, 'route-card', activeRoute());
    expect(laid).toContainEqual(
      expect.stringMatching(/^2 25\.02\.2026 корректировка: Курсы .* внесено при$/),
    );
    expect(laid).toContainEqual(
      expect.stringMatching(/^3 06\.05\.2026 корректировка: Открытый урок .* Педагогический$/),
    );
    expect(card).toContain('Педагогический работник: Иванова Мария Петровна, 07.05.2026 09:15');
    expect(card).toContain('Сидоров Андрей Викторович, 07.05.2026 10:40');
    expect(card).toContain('ожидается: куратор ИОМ');
    expect(card).toContain('разработчик ИОМ ЦНППМ ГАУ ДПО');
    expect(card).toContain('Маршрут утверждён руководителем образовательной организации 27.02.2026');
    expect(card).not.toMatch(/undefined|\[object/);
  });
});

describe('the correction sheet (A3 4.3.6, 5.11)', () => {
  it('shows before and after, who proposed, who decided and who signed when', async () => {
    const proposed = await text(correctionKind, 'correction', correction('proposed'));
    expect(proposed).toContain(
      'ЛИСТ КОРРЕКТИРОВКИ индивидуального образовательного маршрута № ИОМ-67-2026-00042',
    );
    expect(proposed).toContain(
      'Предложил(а) Педагогический работник: Иванова Мария Петровна, 05.05.2026 10:00',
    );
    expect(proposed).toContain('Изменена дата окончания маршрута');
    expect(proposed).toContain('01.12.2026 20.12.2026');
    expect(proposed).toContain('Ожидает решения (куратор ИОМ)');
    const signed = await text(
      correctionKind,
      'correction',
      correction('acknowledged', {
        decision: {
          outcome: 'accepted',
          by: { party: 'curator', name: 'Петрова Ольга Николаевна' },
          at: '2026-05-06T07:00:00.000Z',
        },
        acknowledgements: [
          { party: 'teacher', name: 'Иванова Мария Петровна', at: '2026-05-07T06:15:00.000Z' },
          { party: 'curator', name: 'Петрова Ольга Николаевна', at: '2026-05-07T08:00:00.000Z' },
        ],
      }),
    );
    expect(signed).toContain(
      'Корректировка принята: Куратор ИОМ: Петрова Ольга Николаевна, 06.05.2026 10:00',
    );
    const rows = await lines(
      correctionKind,
      'correction',
      correction('acknowledged', {
        acknowledgements: [
          { party: 'teacher', name: 'Иванова Мария Петровна', at: '2026-05-07T06:15:00.000Z' },
          { party: 'curator', name: 'Петрова Ольга Николаевна', at: '2026-05-07T08:00:00.000Z' },
        ],
      }),
    );
    expect(rows).toContain('Куратор ИОМ Петрова Ольга Николаевна 07.05.2026 11:00');
    expect(rows).toContainEqual(expect.stringMatching(/^Руководитель образовательной .*не подписано$/));
    expect(rows).toContain('Педагогический работник Иванова Мария Петровна 07.05.2026 09:15');
    const rejected = await text(
      correctionKind,
      'correction',
      correction('rejected', {
        routeStage: 'review',
        decision: {
          outcome: 'rejected',
          by: { party: 'centre', name: 'ЦНППМ ГАУ ДПО СОИРО' },
          at: '2026-02-25T07:00:00.000Z',
          reason: 'Маршрут не может быть короче шести месяцев',
        },
      }),
    );
    expect(rejected).toContain('Корректировка отклонена');
    expect(rejected).toContain('Причина отклонения: Маршрут не может быть короче шести месяцев');
    expect(rejected).not.toContain('Ознакомление участников');
  });
});

describe('the conclusion (A3 4.5.1–4.5.3)', () => {
  it('compares the entry and final diagnostics and lists the marks and the curator’s notes', async () => {
    const done = activeRoute();
    done.stage = 'completed';
    done.payload.conclusion = {
      outcome: 'completed',
      finalDiagnostics: { date: '2026-11-25', level: 'low' },
      conclusion: 'Дефициты М-2 и Ц-1 преодолены; рекомендовано обобщить опыт на заседании ШМО',
      at: '2026-11-30T09:00:00.000Z',
    };
    const completion = await text(routeKind, 'completion', done);
    expect(completion).toContain(
      'ЗАКЛЮЧЕНИЕ о реализации индивидуального образовательного маршрута № ИОМ-67-2026-00042',
    );
    expect(completion).toContain(
      'Входная (на основании стандартизированных оценочных процедур) 16.02.2026 средний',
    );
    expect(completion).toContain('Итоговая 25.11.2026 низкий');
    expect(completion).toContain('уровень профессиональных дефицитов снизился: с «средний» до «низкий»');
    expect(completion).toContain('Выполнено мероприятий: 1 из 5');
    expect(completion).toContain('20.04.2026: Курсы пройдены');
    expect(completion).toContain('Решение: маршрут успешно завершён');
    expect(completion).toContain('О.Н. Петрова');
  });
});

describe('mails', () => {
  const routeMails = [
    ['review', 'teacher', 'ИОМ № ИОМ-67-2026-00042: карта маршрута на ознакомление и корректировку'],
    ['approval-request', 'head', 'ИОМ № ИОМ-67-2026-00042 направлен Вам на утверждение'],
    ['approved', 'curator', 'ИОМ № ИОМ-67-2026-00042 утверждён: начинается реализация маршрута'],
    [
      'approved-centre',
      undefined,
      'ИОМ № ИОМ-67-2026-00042 утверждён руководителем образовательной организации',
    ],
    ['card-updated', 'head', 'ИОМ № ИОМ-67-2026-00042: внесены изменения, редакция 3'],
    ['extended', 'teacher', 'ИОМ № ИОМ-67-2026-00042 продлён до 01.12.2026'],
    ['completed', undefined, 'ИОМ № ИОМ-67-2026-00042 завершён'],
    ['activity-overdue', 'teacher', 'ИОМ № ИОМ-67-2026-00042: отметьте выполнение мероприятия'],
    ['route-ending', 'curator', 'ИОМ № ИОМ-67-2026-00042 завершается 01.12.2026'],
  ] as const;

  it.each(routeMails)('route/%s to %s', async (template, party, subject) => {
    const record = activeRoute();
    const rendered = await renderMail(`route/${template}`, {
      ...templateContext(routeKind, record, config().instance),
      recipient: { party },
      appUrl: 'https://forms.example-soiro.ru',
      link: 'https://forms.example-soiro.ru/l/token',
      linkValidUntil: '2027-01-01T00:00:00.000Z',
      notice: { activity: record.payload.roadmap.activities[2] },
    });
    expect(rendered.subject).toBe(subject);
    if (party) {
      const greeting = { teacher: 'Мария Петровна', curator: 'Ольга Николаевна', head: 'Андрей Викторович' }[
        party
      ];
      expect(rendered.text).toContain(`Здравствуйте, ${greeting}!`);
    }
    expect(rendered.text).not.toMatch(/undefined|\[object|\{\{/);
    expect(rendered.text).toContain('Смоленский областной институт развития образования');
  });

  it('names the overdue activity and its end date', async () => {
    const record = activeRoute();
    const visits = record.payload.roadmap.activities[2]!;
    const rendered = await renderMail('route/activity-overdue', {
      ...templateContext(routeKind, record, config().instance),
      recipient: { party: 'teacher' },
      notice: { activity: visits },
    });
    expect(rendered.text).toContain(`«${visits.title}»`);
    expect(rendered.text).toContain('30 июня 2026 г. истёк срок мероприятия');
  });

  it.each([
    ['proposed-centre', undefined, 'предложение о корректировке'],
    ['proposed-curator', 'curator', 'предложение о корректировке ждёт Вашего решения'],
    ['received', 'applicant', 'Ваше предложение о корректировке принято к рассмотрению'],
    ['accepted', 'applicant', 'корректировка принята'],
    ['acknowledge', 'head', 'ознакомьтесь с изменениями маршрута'],
    ['rejected', 'applicant', 'корректировка отклонена'],
    ['acknowledged', 'curator', 'изменения подписаны всеми участниками'],
  ] as const)('route-correction/%s to %s', async (template, party, subject) => {
    const record = correction('accepted', {
      decision: {
        outcome: 'rejected',
        by: { party: 'curator', name: 'Петрова Ольга Николаевна' },
        at: '2026-05-06T07:00:00.000Z',
        reason: 'Дата окончания уже согласована с руководителем',
      },
    });
    const rendered = await renderMail(`route-correction/${template}`, {
      ...templateContext(correctionKind, record, config().instance),
      recipient: { party },
      appUrl: 'https://forms.example-soiro.ru',
      link: 'https://forms.example-soiro.ru/l/token',
      linkValidUntil: '2026-06-05T00:00:00.000Z',
    });
    expect(rendered.subject).toBe(`ИОМ № ИОМ-67-2026-00042: ${subject}`);
    if (party)
      expect(rendered.text).toMatch(/Здравствуйте, (Мария Петровна|Ольга Николаевна|Андрей Викторович)!/);
    expect(rendered.text).not.toMatch(/undefined|\[object|\{\{/);
  });
});
