import * as z from '../../functions/core/zod-ru';

/**
 * The consent to the processing of personal data (152-FZ art. 9). Since 1 September 2025 it must be a separate
 * document, not a clause of another one, so forms show it as its own text, and every answer records which
 * edition the person saw. A new edition gets a new version; old answers keep theirs.
 */

/** The edition in force. */
export const PERSONAL_DATA_CONSENT_VERSION = '2025-09-01';

const TEXT_CHANGED_MESSAGE =
  'Текст согласия на обработку персональных данных изменился. Ознакомьтесь с новой редакцией';

/**
 * The text of the edition in force. The operator is named by its role (the regional diagnostics operator of A2
 * 5.4 and the institute it works in); the page and every mail of the instance carry the institute's full name
 * and address in their heading and signature.
 */
export const PERSONAL_DATA_CONSENT_TEXT = [
  `Согласие на обработку персональных данных (редакция от ${formatVersion(PERSONAL_DATA_CONSENT_VERSION)})`,
  'Я, субъект персональных данных, свободно, своей волей и в своём интересе даю согласие региональному оператору диагностики профессиональных дефицитов — организации дополнительного профессионального образования (институту развития образования), наименование и адрес которой указаны на странице формы и в письмах системы (далее — Оператор), на обработку моих персональных данных: фамилии, имени, отчества; адреса электронной почты; номера телефона (если указан); места работы, должности и преподаваемых предметов; сведений о выбранных диагностических блоках; результатов диагностики профессиональных дефицитов.',
  'Цель обработки: организация и проведение диагностики профессиональных дефицитов педагогических работников и управленческих кадров, информирование меня о её результатах, разработка индивидуального образовательного маршрута и подготовка обобщённой (неперсонифицированной) аналитической справки в соответствии с Положением о диагностике профессиональных дефицитов.',
  'Перечень действий: сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), извлечение, использование, обезличивание, блокирование, удаление, уничтожение — с использованием средств автоматизации и без них. Мои индивидуальные результаты диагностики не передаются в образовательную организацию и третьим лицам (п. 6.3 Положения).',
  'Согласие действует до достижения целей обработки, но не более трёх лет, и может быть отозвано мной в любой момент письменным заявлением Оператору, в том числе по адресу электронной почты, указанному в письмах системы.',
  'Согласие дано в электронной форме отдельно от иных документов (ст. 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»).',
].join('\n\n');

/** The edition and its text, as a record keeps them with an answer. */
export const PERSONAL_DATA_CONSENT = {
  version: PERSONAL_DATA_CONSENT_VERSION,
  text: PERSONAL_DATA_CONSENT_TEXT,
} as const;

function formatVersion(version: string): string {
  const [y, m, d] = version.split('-');
  return `${d}.${m}.${y}`;
}

/**
 * The edition a form was filled against: a constant of the form (a web form sends it as a hidden field); omitted =
 * the edition in force. Another edition is refused, since the text shown to the person has changed.
 */
export const personalDataVersionField = z
  .literal(PERSONAL_DATA_CONSENT_VERSION, { message: TEXT_CHANGED_MESSAGE })
  .default(PERSONAL_DATA_CONSENT_VERSION);
