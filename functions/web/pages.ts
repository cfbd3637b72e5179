import Handlebars from 'handlebars';
import { readTemplate } from '../documents/assets';

/**
 * HTML pages from templates/web/*.hbs. Unlike the mail and PDF texts, every value is HTML-escaped here
 * (Handlebars' default), since a payload typed by one person is shown in another person's browser.
 */
const env = Handlebars.create();
const compiled = new Map<string, Promise<Handlebars.TemplateDelegate>>();

export async function renderPage(name: string, context: object): Promise<string> {
  let t = compiled.get(name);
  if (!t) {
    t = readTemplate(`web/${name}.hbs`).then((source) => env.compile(source, { strict: false }));
    t.catch(() => compiled.delete(name));
    compiled.set(name, t);
  }
  return (await t)(context);
}
