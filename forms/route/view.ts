import type { InstanceSettings } from '../../functions/core/instance-settings';
import type { RecordState } from '../../functions/core/kind';
import { DeficitLevel, Education, QualificationCategory } from '../common/types';
import { durationText, formatDay } from './rules';
import { CuratorRole, type RoutePayload } from './schema';

/**
 * What the route's documents show, computed once here so the templates only print (the Карта ИОМ of seed 004,
 * Appendix 3: title page, 1. information about the teacher, 2. diagnostics, 3. roadmap with the five category
 * rows; then the change log of every revision, and the curator's conclusion).
 */

/** The roadmap's category column exactly as the card template words it (A3 5.6). */
export const CARD_CATEGORIES = [
  [
    'knowledge',
    'Получение дополнительных знаний, опыта (профессиональная переподготовка, повышение квалификации, стажировка)',
  ],
  [
    'exchange',
    'Профессиональное развитие и обмен опытом (форум, конференция, семинар, вебинар, мастер-класс, конкурс, посещение уроков и внеурочных мероприятий ведущих учителей-методистов и т.п.)',
  ],
  [
    'demonstration',
    'Демонстрация личного опыта (форум, конференция, семинар, вебинар, мастер-класс, конкурс, открытый урок и пр.)',
  ],
  ['mentoring', 'Наставничество (наставник/наставляемый)'],
  ['burnout', 'Профилактика профессионального выгорания (тренинг, вебинар, коуч-сессия и пр.)'],
] as const;

const PARTY_LABELS: Record<string, string> = {
  teacher: 'Педагогический работник',
  curator: 'Куратор ИОМ',
  head: 'Руководитель образовательной организации',
  centre: 'Разработчик ИОМ',
};

/** The same, inside a sentence. */
const PARTY_NAMES: Record<string, string> = {
  teacher: 'педагогический работник',
  curator: 'куратор ИОМ',
  head: 'руководитель образовательной организации',
  centre: 'разработчик ИОМ',
};

const LEVEL_RANK = { low: 1, medium: 2, high: 3 } as const;

function plural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** "+7 912 345-67-89" */
function phoneText(phone: string | undefined): string {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone ?? '');
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : '';
}

function instantDay(iso: string, settings: InstanceSettings): string {
  const parts = new Intl.DateTimeFormat('ru-RU', {
    timeZone: settings.timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date(iso));
  return parts;
}

function instantDayTime(iso: string, settings: InstanceSettings): string {
  const fmt = new Intl.DateTimeFormat('ru-RU', {
    timeZone: settings.timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return fmt.format(new Date(iso)).replace(',', '');
}

export function partyLabel(party: string): string {
  return PARTY_LABELS[party] ?? party;
}

export function routeTemplateData(record: RecordState<unknown>, settings: InstanceSettings) {
  const p = record.payload as RoutePayload;
  const revision = p.revision ?? 1;
  let n = 0;
  const categories = CARD_CATEGORIES.map(([value, label]) => {
    const rows = p.roadmap.activities
      .filter((a) => a.category === value)
      .map((a) => {
        n += 1;
        return {
          n,
          id: a.id,
          title: a.title,
          period: `${formatDay(a.period.from)} — ${formatDay(a.period.to)}`,
          deficits: a.deficitCodes.join(', '),
          marked: Boolean(a.mark),
          done: Boolean(a.mark?.done),
          markText: a.mark
            ? `${a.mark.done ? 'выполнено' : 'не выполнено'} (отметка ${instantDay(a.mark.at, settings)})`
            : '',
          evidence: a.mark?.evidence ?? '',
        };
      });
    return { value, categoryTitle: label, rows, empty: rows.length === 0 };
  });
  const done = p.roadmap.activities.filter((a) => a.mark?.done).length;
  const changeLog = (p.changeLog ?? []).map((e) => ({
    revision: e.revision,
    on: instantDay(e.at, settings),
    kind: e.kind === 'extension' ? 'продление маршрута' : 'корректировка',
    reason: e.reason,
    proposedBy: `${PARTY_NAMES[e.proposedBy.party] ?? e.proposedBy.party} ${e.proposedBy.name}`,
    decidedBy: `${PARTY_NAMES[e.decidedBy.party] ?? e.decidedBy.party} ${e.decidedBy.name}`,
    changes: e.changes,
    acknowledgementRequired: e.acknowledgementRequired,
    acknowledgements: e.acknowledgements.map((a) => ({
      who: `${partyLabel(a.party)}: ${a.name}`,
      at: instantDayTime(a.at, settings),
    })),
    awaiting: e.acknowledgementRequired
      ? ['curator', 'head', 'teacher']
          .filter((party) => !e.acknowledgements.some((a) => a.party === party))
          .map((party) => PARTY_NAMES[party] ?? party)
          .join(', ')
      : '',
  }));
  const entry = p.diagnostics.level;
  const final = p.conclusion?.finalDiagnostics.level;
  const levels = DeficitLevel.labels as Record<string, string>;
  let levelChange = '';
  if (final) {
    const diff = LEVEL_RANK[final] - LEVEL_RANK[entry];
    levelChange =
      diff < 0
        ? `уровень профессиональных дефицитов снизился: с «${levels[entry]}» до «${levels[final]}»`
        : diff > 0
          ? `уровень профессиональных дефицитов повысился: с «${levels[entry]}» до «${levels[final]}»`
          : `уровень профессиональных дефицитов не изменился («${levels[entry]}»)`;
  }
  return {
    revision,
    year: p.roadmap.developedOn.slice(0, 4),
    city: settings.institute.city,
    duration: durationText(p.roadmap.start, p.roadmap.end),
    phone: phoneText(p.teacher.phone),
    experience: `${p.teacher.experienceYears} ${plural(p.teacher.experienceYears, 'год', 'года', 'лет')}`,
    education: (Education.labels as Record<string, string>)[p.teacher.education],
    qualification: (QualificationCategory.labels as Record<string, string>)[p.teacher.category],
    curatorRole: (CuratorRole.labels as Record<string, string>)[p.curator.role],
    level: levels[entry],
    categories,
    activitiesTotal: p.roadmap.activities.length,
    activitiesDone: done,
    changeLog,
    hasChangeLog: changeLog.length > 0,
    approved: p.approval ? { name: p.approval.name, on: instantDay(p.approval.at, settings) } : undefined,
    progress: (p.progress ?? []).map((x) => ({ on: formatDay(x.date), note: x.note })),
    conclusion: p.conclusion
      ? {
          outcome: p.conclusion.outcome === 'completed' ? 'маршрут успешно завершён' : 'маршрут продлён',
          finalDate: formatDay(p.conclusion.finalDiagnostics.date),
          finalLevel: levels[p.conclusion.finalDiagnostics.level],
          text: p.conclusion.conclusion,
          on: instantDay(p.conclusion.at, settings),
        }
      : undefined,
    entryLevel: levels[entry],
    levelChange,
    /** How each party is addressed in mails: «Мария Петровна». */
    greetings: {
      teacher: addressName(p.teacher.person),
      curator: addressName(p.curator.person),
      head: addressName(p.head.person),
    },
    teacherName: [p.teacher.person.lastName, p.teacher.person.firstName, p.teacher.person.middleName]
      .filter(Boolean)
      .join(' '),
  };
}

function addressName(person: { firstName: string; middleName?: string }): string {
  return [person.firstName, person.middleName].filter(Boolean).join(' ');
}

/** «Мария Петровна» of «Иванова Мария Петровна». */
function addressOfFullName(name: string): string {
  return name.split(/\s+/).slice(1).join(' ') || name;
}

export function correctionTemplateData(record: RecordState<unknown>, settings: InstanceSettings) {
  const c = record.payload as {
    proposedBy: { party: string; name: string };
    proposedAt: string;
    routeStage: string;
    decision?: { outcome: string; by: { party: string; name: string }; at: string; reason?: string };
    acknowledgements?: { party: string; name: string; at: string }[];
  };
  const acks = c.acknowledgements ?? [];
  const route = (record.payload as { route: Record<'teacher' | 'curator' | 'head', { name: string }> }).route;
  return {
    greetings: {
      teacher: addressOfFullName(route.teacher.name),
      curator: addressOfFullName(route.curator.name),
      head: addressOfFullName(route.head.name),
      applicant: addressOfFullName(c.proposedBy.name),
    },
    proposedBy: `${partyLabel(c.proposedBy.party)}: ${c.proposedBy.name}`,
    proposedAt: instantDayTime(c.proposedAt, settings),
    stage: c.routeStage === 'review' ? 'ознакомление и корректировка маршрута' : 'реализация маршрута',
    decision: c.decision
      ? {
          text: c.decision.outcome === 'accepted' ? 'принята' : 'отклонена',
          by: `${partyLabel(c.decision.by.party)}: ${c.decision.by.name}`,
          at: instantDayTime(c.decision.at, settings),
          reason: c.decision.reason ?? '',
        }
      : undefined,
    acknowledgementRequired: c.routeStage === 'active',
    signers: ['curator', 'head', 'teacher'].map((party) => {
      const a = acks.find((x) => x.party === party);
      return {
        who: partyLabel(party),
        name: a?.name ?? '',
        at: a ? instantDayTime(a.at, settings) : 'не подписано',
      };
    }),
  };
}
