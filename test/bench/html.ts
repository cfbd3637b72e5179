import { fontPath } from '../../functions/documents/assets';

/**
 * Our template's markup as an HTML page for headless Chromium: the same content, the same fonts (PT Serif files
 * via @font-face), the same A4 margins; the custom elements become their HTML equivalents and the running footer
 * goes to Chromium's footer template.
 */

export const CHROMIUM_CSS = `
@font-face { font-family: 'PT Serif'; src: url('file://${fontPath('regular')}'); font-weight: 400; font-style: normal; }
@font-face { font-family: 'PT Serif'; src: url('file://${fontPath('bold')}'); font-weight: 700; font-style: normal; }
@font-face { font-family: 'PT Serif'; src: url('file://${fontPath('italic')}'); font-weight: 400; font-style: italic; }
@font-face { font-family: 'PT Serif'; src: url('file://${fontPath('boldItalic')}'); font-weight: 700; font-style: italic; }
@font-face { font-family: 'DejaVu Sans'; src: url('file://${fontPath('fallback')}'); }
@page { size: A4; margin: 20mm 10mm 20mm 20mm; }
body { font-family: 'PT Serif', 'DejaVu Sans'; font-size: 12pt; line-height: 1.2; margin: 0; }
p { margin: 0 0 4pt; } h1 { font-size: 14pt; text-align: center; margin: 10pt 0 4pt; } h2 { font-size: 13pt; margin: 10pt 0 4pt; }
h3 { font-size: 12pt; font-style: italic; margin: 10pt 0 4pt; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; } td, th { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top; }
table.plain td, table.plain th { border: none; } thead { display: table-header-group; } tr { break-inside: avoid; }
td p:last-child, th p:last-child { margin-bottom: 0; }
.center { text-align: center; } .right { text-align: right; } .justify { text-align: justify; } .small { font-size: 10pt; }
.indent { text-indent: 12.5mm; } .page-break { break-after: page; }
.signature { display: flex; margin: 18pt 0 8pt; break-inside: avoid; } .signature .role { width: 42%; }
.signature .line { width: 25%; margin-left: 3%; border-bottom: 0.5pt solid #000; height: 14pt; }
.signature .name { flex: 1; text-align: right; } .caption { font-size: 8pt; text-align: center; }
`;

function attr(tag: string, name: string): string {
  return new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1] ?? '';
}

/** Body HTML and footer text of a template's markup. */
export function markupToHtml(markup: string): { body: string; footer: string } {
  let footer = '';
  const body = markup
    .replace(/<footer[^>]*>([\s\S]*?)<\/footer>/, (_, inner: string) => {
      footer = inner
        .replace(/<page-number\/>/g, '<span class="pageNumber"></span>')
        .replace(/<page-count\/>/g, '<span class="totalPages"></span>');
      return '';
    })
    .replace(/<page-break\/>/g, '<div class="page-break"></div>')
    .replace(/<checkbox checked\/>/g, '☑')
    .replace(/<checkbox\/>/g, '☐')
    .replace(/<signature[^>]*\/>/g, (tag) => {
      const date = attr(tag, 'date') || '«____» ______________ 20____ г.';
      return `<div class="signature"><div class="role">${attr(tag, 'role')}</div><div class="line"></div><div class="name">${attr(tag, 'name')}</div></div><p>${date}</p>`;
    });
  return { body, footer };
}
