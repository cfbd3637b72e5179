import { execFileSync } from 'node:child_process';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { formatDateTime, fullName, initials } from '../../functions/documents/templating';
import { renderOurs } from '../bench/documents';
import { collectivePayload, ROUTE_PAYLOAD } from '../bench/fixtures';
import { pdfText } from '../support/pdf-text';

/**
 * The two benchmark documents as a reader gets them: every field value of the fixtures is in the text. Values in
 * single-line cells read in order with poppler's default layout analysis (pdfText); a value wrapped inside a cell
 * is checked in drawing order (`pdftotext -raw`), since layout analysis interleaves the lines of neighbouring
 * multi-line cells.
 */
function rawText(pdf: Uint8Array): string {
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], {
    input: Buffer.from(pdf),
    maxBuffer: 1 << 25,
  })
    .toString('utf8')
    .replace(/-\n/g, '-') // a word wrapped after its hyphen
    .replace(/\s+/g, ' ');
}

const day = (iso: string) => iso.split('-').reverse().join('.');

describe('route card (Карта ИОМ) of the benchmark fixture', () => {
  it('shows every field of the route', async () => {
    const pdf = await renderOurs('route-card');
    const text = rawText(pdf);
    const p = ROUTE_PAYLOAD;
    const expected = [
      'ИОМ-67-2026-00042',
      'Индивидуальный образовательный маршрут',
      '1. Информационная справка о педагогическом работнике',
      '2. Результаты диагностики профессиональных дефицитов',
      '3. Дорожная карта по устранению выявленных дефицитов',
      fullName(p.teacher.person),
      p.teacher.organization.name,
      p.teacher.position,
      p.teacher.subject,
      'высшее педагогическое',
      '12 лет',
      'первая',
      '+7 910 765-43-21',
      p.teacher.email,
      'на основании стандартизированных оценочных процедур',
      day(p.diagnostics.date),
      'средний',
      ...p.diagnostics.deficits.flatMap((d) => [d.code, d.title]),
      ...p.diagnostics.recommendations,
      ...p.roadmap.activities.map((a) => a.title),
      ...p.roadmap.activities.flatMap((a) => [day(a.period.from), day(a.period.to)]),
      'Получение дополнительных знаний, опыта',
      'Профессиональное развитие и обмен опытом',
      'Демонстрация личного опыта',
      'Наставничество',
      'Профилактика профессионального выгорания',
      day(p.roadmap.start),
      day(p.roadmap.end),
      'Дата следующей диагностики',
      day(p.roadmap.nextDiagnosticsDate),
      'Дата разработки индивидуального образовательного маршрута',
      day(p.roadmap.developedOn),
      fullName(p.curator.person),
      initials(p.curator.person),
      initials(p.head.person),
      initials(p.teacher.person),
    ];
    for (const value of expected) expect(text, value).toContain(value);
    // Single-line cells read in reading order with layout analysis too.
    const layout = pdfText(pdf);
    for (const d of p.diagnostics.deficits) expect(layout).toContain(`${d.code} ${d.title}`);
    expect(layout).toContain(`Электронная почта ${p.teacher.email}`);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(3);
  });
});

describe('consent sheet of a 300-participant collective request', () => {
  it('lists every participant with subject, blocks and the moment of consent, on numbered pages', async () => {
    const pdf = await renderOurs('consent-sheet-300');
    const text = rawText(pdf);
    for (const heading of ['№ п/п', 'Ф.И.О. педагогического работника', 'Перечень диагностических блоков**'])
      expect(text).toContain(heading);
    const labels: Record<string, string> = {
      subject: 'предметный',
      methodical: 'методический',
      psychological: 'психолого-педагогический',
      communicative: 'коммуникативный',
      digital: 'цифровая грамотность и ИКТ',
    };
    collectivePayload(300).participants.forEach((p, i) => {
      for (const value of [fullName(p.person), p.subject, p.blocks.map((b) => labels[b]).join(', ')])
        expect(text, `${i + 1}: ${value}`).toContain(value);
      expect(text).toContain(
        `согласие дано в электронной форме ${formatDateTime(p.consent.at, 'Europe/Moscow')}`,
      );
    });
    const pages = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
    expect(pdfText(pdf)).toContain(`стр. ${pages} из ${pages}`);
  });
});
