import { fullName, initials } from '../../functions/documents/templating';
import type { DocId } from './documents';
import { contextOf } from './documents';

/**
 * pdfmake docDefinitions with the same content as our two templates (same fonts, sizes, margins), built from the
 * same template context.
 */

const MM = 72 / 25.4;
type Node = Record<string, unknown> | string | Node[];

interface Person {
  lastName: string;
  firstName: string;
  middleName?: string;
}

const day = (iso: string) => iso.split('-').reverse().join('.');

const cell = (text: Node, extra: Record<string, unknown> = {}) =>
  typeof text === 'string' ? { text, ...extra } : { stack: text, ...extra };
const th = (text: string) => ({ text, bold: true, fontSize: 10, alignment: 'center' });

function signature(role: string, name: string): Node {
  return {
    margin: [0, 18, 0, 8],
    unbreakable: true,
    stack: [
      {
        columns: [
          { width: '42%', text: role },
          { width: '3%', text: '' },
          {
            width: '25%',
            stack: [
              { canvas: [{ type: 'line', x1: 0, y1: 14, x2: 120, y2: 14, lineWidth: 0.5 }] },
              { text: '(подпись)', fontSize: 8, alignment: 'center' },
            ],
          },
          { width: '*', text: name, alignment: 'right' },
        ],
      },
      { text: '«____» ______________ 20____ г.', margin: [0, 4, 0, 0] },
    ],
  };
}

function routeCard(): Record<string, unknown> {
  const c = contextOf('route-card') as ReturnType<typeof contextOf> & {
    data: Record<string, unknown> & {
      categories: Array<{ categoryTitle: string; rows: Array<Record<string, string | number | boolean>> }>;
    };
  };
  const p = c.payload as {
    model: string;
    teacher: {
      person: Person;
      organization: { name: string };
      position: string;
      subject?: string;
      email: string;
    };
    head: { person: Person };
    curator: { person: Person };
    diagnostics: {
      form: string;
      date: string;
      deficits: Array<{ code: string; title: string }>;
      recommendations: string[];
    };
    roadmap: { start: string; end: string; nextDiagnosticsDate: string; developedOn: string };
  };
  const d = c.data;
  const enums = c.enums as Record<string, Record<string, string>>;
  const s = c.settings;
  const pairs = (rows: Array<[string, Node]>, w = '40%') => ({
    table: { widths: [w, '*'], body: rows.map(([a, b]) => [a, b]) },
    margin: [0, 4, 0, 8],
  });
  return {
    content: [
      { text: s.institute.full, bold: true, alignment: 'center' },
      { text: s.centre.full, bold: true, alignment: 'center', margin: [0, 0, 0, 40] },
      { text: `Индивидуальный образовательный маршрут № ${c.ref}`, style: 'h1' },
      { text: enums.model?.[p.model] ?? p.model, alignment: 'center' },
      { text: `Редакция ${d.revision}`, alignment: 'center', margin: [0, 0, 0, 20] },
      {
        layout: 'noBorders',
        table: {
          widths: ['38%', '*'],
          body: [
            ['ФИО педагогического работника', { text: fullName(p.teacher.person), bold: true }],
            ['Образовательная организация', p.teacher.organization.name],
            ['Должность', p.teacher.position],
            ['ФИО тьютора (куратора ИОМ)', `${fullName(p.curator.person)}, ${d.curatorRole}`],
          ],
        },
      },
      { text: `г. ${d.city}\n${d.year} год`, alignment: 'center', margin: [0, 30, 0, 0], pageBreak: 'after' },
      { text: '1. Информационная справка о педагогическом работнике', style: 'h2' },
      pairs([
        ['Фамилия Имя Отчество', fullName(p.teacher.person)],
        ['Образовательная организация', p.teacher.organization.name],
        ['Должность', p.teacher.position],
        ['Преподаваемый предмет', p.teacher.subject ?? '—'],
        ['Образование', String(d.education)],
        ['Педагогический стаж', String(d.experience)],
        ['Квалификационная категория', String(d.qualification)],
        ['Контактный телефон (моб.)', String(d.phone || '—')],
        ['Электронная почта', p.teacher.email],
      ]),
      { text: '2. Результаты диагностики профессиональных дефицитов', style: 'h2' },
      pairs([
        [
          '2.1. Вид диагностики профессиональных дефицитов',
          enums.form?.[p.diagnostics.form] ?? p.diagnostics.form,
        ],
        ['2.2. Дата диагностики', day(p.diagnostics.date)],
        ['2.3. Результаты диагностики: уровень', { text: String(d.level), bold: true }],
      ]),
      { text: 'Выявленные дефициты', bold: true },
      {
        table: {
          headerRows: 1,
          widths: ['16%', '*'],
          body: [
            [
              { text: 'Код', bold: true, alignment: 'center' },
              { text: 'Профессиональный дефицит', bold: true, alignment: 'center' },
            ],
            ...p.diagnostics.deficits.map((x) => [{ text: x.code, alignment: 'center' }, x.title]),
          ],
        },
        margin: [0, 4, 0, 8],
      },
      { text: '2.4. Рекомендации', bold: true },
      {
        ol: p.diagnostics.recommendations.map((r) => ({ text: r, alignment: 'justify' })),
        margin: [0, 2, 0, 4],
      },
      { text: '3. Дорожная карта по устранению выявленных дефицитов', style: 'h2' },
      `Продолжительность прохождения ИОМ: ${d.duration}`,
      `Начало: ${day(p.roadmap.start)}    Окончание: ${day(p.roadmap.end)}`,
      {
        table: {
          headerRows: 1,
          dontBreakRows: true,
          widths: ['20%', '*', '13%', '15%', '18%'],
          body: [
            [
              th('Категория мероприятий'),
              th('Перечень мероприятий'),
              th('Сроки реализации'),
              th('Дефициты, на устранение которых направлена работа (из п. 2.3)'),
              th('Отметка о выполнении (подтверждение)'),
            ],
            ...d.categories.map((cat) => [
              { text: cat.categoryTitle, fontSize: 10 },
              cell(
                cat.rows.length
                  ? cat.rows.map((r) => `${r.n}. ${r.title}`)
                  : [{ text: '—', alignment: 'center' }],
              ),
              cell(
                cat.rows.map((r) => String(r.period)),
                { fontSize: 10, alignment: 'center' },
              ),
              cell(
                cat.rows.map((r) => String(r.deficits)),
                { fontSize: 10, alignment: 'center' },
              ),
              cell(
                cat.rows.map((r) => (r.marked ? String(r.markText) : '☐')),
                { fontSize: 10, font: 'DejaVu' },
              ),
            ]),
          ],
        },
        margin: [0, 4, 0, 8],
      },
      {
        layout: 'noBorders',
        table: {
          widths: ['55%', '*'],
          body: [
            ['Дата следующей диагностики', day(p.roadmap.nextDiagnosticsDate)],
            ['Дата разработки индивидуального образовательного маршрута', day(p.roadmap.developedOn)],
            ['Куратор ИОМ', `${fullName(p.curator.person)}, ${d.curatorRole}`],
          ],
        },
      },
      signature('Куратор ИОМ', initials(p.curator.person)),
      signature('Руководитель образовательной организации', initials(p.head.person)),
      signature('Педагогический работник', initials(p.teacher.person)),
    ],
    footer: (page: number, pages: number) => ({
      text: `Карта ИОМ № ${c.ref}, редакция ${d.revision} — стр. ${page} из ${pages}`,
      alignment: 'center',
      fontSize: 10,
      margin: [0, 20, 0, 0],
    }),
  };
}

function consentSheet(): Record<string, unknown> {
  const c = contextOf('consent-sheet-300');
  const p = c.payload as {
    organization: { name: string };
    letterDate?: string;
    participants: Array<{ person: Person; subject: string; blocks: string[]; consent: { at: string } }>;
  };
  const labels = (c.enums as Record<string, Record<string, string>>).teacherBlock ?? {};
  const stamp = (iso: string) => {
    const t = new Date(iso);
    const local = new Date(t.getTime() + 3 * 3600_000).toISOString();
    return `${day(local.slice(0, 10))} ${local.slice(11, 16)}`;
  };
  return {
    content: [
      {
        text: 'СОГЛАСИЕ\nпедагогических работников на проведение диагностики профессиональных дефицитов',
        style: 'h1',
      },
      {
        text: `${p.organization.name}\nк коллективной заявке № ${c.ref}${p.letterDate ? ` от ${day(p.letterDate)}` : ''}`,
        alignment: 'center',
        margin: [0, 0, 0, 8],
      },
      {
        table: {
          headerRows: 1,
          dontBreakRows: true,
          widths: ['6%', '22%', '20%', '*', '22%'],
          body: [
            [
              th('№ п/п'),
              th('Ф.И.О. педагогического работника'),
              th('Предмет, по которому будет проходить диагностика*'),
              th('Перечень диагностических блоков**'),
              th('Подпись педагогического работника'),
            ],
            ...p.participants.map((x, i) => [
              { text: String(i + 1), alignment: 'center' },
              fullName(x.person),
              x.subject,
              ((x as { consent: { blocks?: string[] } }).consent.blocks ?? x.blocks)
                .map((b) => labels[b] ?? b)
                .join(', '),
              { text: `согласие дано в электронной форме ${stamp(x.consent.at)}`, fontSize: 10 },
            ]),
          ],
        },
        margin: [0, 4, 0, 8],
      },
      {
        text: '* Если педагогический работник будет проходить диагностику по 2 и более предметам, на каждый предмет дается отдельное согласие.',
        fontSize: 10,
      },
      {
        text: '** По каждому предмету необходимо указать, по каким блокам педагогический работник дает согласие на прохождение диагностики.',
        fontSize: 10,
      },
    ],
    footer: (page: number, pages: number) => ({
      text: `Согласия к заявке № ${c.ref} — стр. ${page} из ${pages}`,
      alignment: 'center',
      fontSize: 10,
      margin: [0, 20, 0, 0],
    }),
  };
}

export function docDefinition(doc: DocId): Record<string, unknown> {
  const body = doc === 'route-card' ? routeCard() : consentSheet();
  return {
    ...body,
    pageSize: 'A4',
    pageMargins: [20 * MM, 20 * MM, 10 * MM, 20 * MM],
    info: { title: doc, author: 'ГАУ ДПО СОИРО', subject: doc },
    language: 'ru',
    defaultStyle: { font: 'PTSerif', fontSize: 12 },
    styles: {
      h1: { fontSize: 14, bold: true, alignment: 'center', margin: [0, 10, 0, 4] },
      h2: { fontSize: 13, bold: true, margin: [0, 10, 0, 4] },
    },
  };
}
