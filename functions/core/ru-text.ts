/** Russian words the documents, mails and rule messages share. */

/** Month names in the genitive, as Russian dates are written ("22 ноября 2026 г."). */
export const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];
