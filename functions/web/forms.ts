import { formPage, homePage, submitForm } from './form-pages';
import { pageHandler } from './page-handler';

/** GET /, GET and POST /forms/{kind}: the start page and the public submission forms. */
export const handler = pageHandler({
  'GET /': () => homePage(),
  'GET /forms/{kind}': ({ path, caller }) =>
    formPage(path.kind ?? '', caller, { url: `/forms/${path.kind}` }),
  'POST /forms/{kind}': ({ path, caller, event }) =>
    submitForm(path.kind ?? '', caller, event, { url: `/forms/${path.kind}` }),
});
