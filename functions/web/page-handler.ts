import { AppError } from '../core/errors';
import { type ApiHandler, type HttpRequest, httpHandler } from '../http/handler';
import type { ErrorPage } from '../http/middlewares';
import { type PageReply, page } from './pages';

/**
 * A handler module serving several pages: the HTTP chain of every handler (errors, caller, CSRF check on cookie
 * posts) and a dispatch on the route key. Errors become pages, not JSON.
 */
export type PageRoute = (request: HttpRequest<undefined>) => Promise<PageReply>;

const TITLES: Record<number, string> = {
  400: 'Проверьте запрос',
  401: 'Нужно войти',
  403: 'Нет доступа',
  404: 'Страница не найдена',
  409: 'Запись уже изменена',
  413: 'Слишком большой запрос',
  415: 'Неверный формат запроса',
  422: 'Действие невозможно',
  429: 'Слишком много запросов',
  500: 'Внутренняя ошибка',
};

export async function errorPageOf(error: AppError, referrer: 'same-origin' | 'no-referrer' = 'same-origin') {
  return page(
    'error',
    { title: TITLES[error.status] ?? 'Ошибка', message: error.message, status: error.status },
    error.status,
    referrer,
  );
}

export const defaultErrorPage: ErrorPage = (error) => errorPageOf(error);

export function pageHandler(
  routes: Record<string, PageRoute>,
  errorPage: ErrorPage = defaultErrorPage,
): ApiHandler {
  return httpHandler({ errorPage }, async (request) => {
    const route = routes[request.event.routeKey];
    if (!route) throw new AppError('not-found', 'Страница не найдена');
    return route(request);
  });
}
