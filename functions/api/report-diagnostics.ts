import { diagnosticsReport, diagnosticsReportPdf } from '../core/reports/diagnostics';
import * as z from '../core/zod-ru';
import { httpHandler } from '../http/handler';

const ReportQuerySchema = z
  .strictObject({
    from: z.iso.date('Укажите дату в формате ГГГГ-ММ-ДД'),
    to: z.iso.date('Укажите дату в формате ГГГГ-ММ-ДД'),
    format: z.enum(['json', 'pdf'], 'Ожидается json или pdf').default('json'),
  })
  .refine((q) => q.from <= q.to, { message: 'Дата начала позже даты окончания', path: ['to'] });

/**
 * GET /v1/reports/diagnostics?from=&to= — the non-personalised analytical note on the diagnostics (A2 6.4) for the
 * operator, the centre and the administrator; `?format=pdf` gives the note as a PDF.
 */
export const handler = httpHandler({ query: ReportQuerySchema }, async ({ query, caller }) => {
  const period = { from: query.from, to: query.to };
  if (query.format === 'json') return { body: await diagnosticsReport(period, caller) };
  const note = await diagnosticsReportPdf(period, caller);
  return {
    body: note.bytes,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="analytical-note.pdf"; filename*=UTF-8''${encodeURIComponent(`${note.fileName}.pdf`)}`,
    },
  };
});
