import { describe, expect, it } from 'vitest';
import {
  ActivityContent,
  ActivityFormat,
  AudienceGroup,
  InteractionFormat,
  InternshipApplicationSchema,
  InternshipDirection,
  TerminationReason,
} from '../../forms/internship-application/schema';
import { internshipApplication } from '../support/internship-fixtures';

function issues(body: unknown): string[] {
  const result = InternshipApplicationSchema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => i.path.join('.'));
}

describe('the passport form of seed 004, Appendix 4, word for word', () => {
  it('has the 14 directions of the form and «ИНОЕ», in the order of the form', () => {
    expect(Object.values(InternshipDirection.labels)).toEqual([
      'Формирование функциональной грамотности обучающихся',
      'Введение обновленных ФГОС',
      'Актуализация содержания предмета (предметной области)',
      'Организация учебной деятельности (включая проектную и исследовательскую)',
      'Цифровые технологии в образовании',
      'Организация и осуществление воспитательной деятельности',
      'Эффективное взаимодействие участников образовательных отношений',
      'Здоровьесберегающие технологии',
      'Информационная безопасность обучающихся',
      'Инклюзивное образование',
      'Педагогическое наставничество, тьюторство в образовательных организациях',
      'Управление образовательной организацией',
      'Развитие обучающихся в системе дополнительного образования',
      'Раннее развитие детей в ДОО',
      'ИНОЕ',
    ]);
    expect(Object.keys(InternshipDirection.labels)).toEqual([
      'functional-literacy',
      'updated-fgos',
      'subject-content',
      'learning-activities',
      'digital',
      'upbringing',
      'interaction',
      'health',
      'info-security',
      'inclusive',
      'mentoring-tutoring',
      'management',
      'additional-education',
      'early-development',
      'other',
    ]);
  });

  it('has the audience groups, interaction formats, formats and contents of the form', () => {
    expect(AudienceGroup.labels).toEqual({
      teachers: 'Педагогические работники',
      managers: 'Управленческие кадры',
      'school-teams': 'Школьные команды (команды образовательной организации)',
    });
    expect(InteractionFormat.labels).toEqual({ group: 'Групповой', individual: 'Индивидуальный' });
    expect(Object.values(ActivityFormat.labels)).toEqual([
      'Реализация практического модуля ДПП ПК / ПП',
      'Проведение выездных практических занятий в рамках ДПП ПК / ПП',
      'Стажировка как самостоятельный вид повышения квалификации',
      'Реализация индивидуальных образовательных маршрутов',
    ]);
    expect(Object.values(ActivityContent.labels)).toEqual([
      'Участие в разработке практико-ориентированных модулей дополнительных профессиональных программ (программ стажировки), учебно-методических комплексов, методических рекомендаций, комплектов учебно-методических материалов',
      'проведение практических занятий по программам повышения квалификации (профессиональной переподготовки)',
      'стажировка (индивидуальная / групповая)',
      'участие в реализации индивидуальных образовательных маршрутов (проведение методических мероприятий)',
      'проектирование участниками стажировочной площадки собственных вариативных моделей профессиональной деятельности',
      'ИНОЕ',
    ]);
    expect(Object.keys(TerminationReason.labels)).toEqual([
      'obligations',
      'mismatch',
      'no-demand',
      'force-majeure',
      'staff-change',
      'own-initiative',
    ]);
  });
});

describe('InternshipApplicationSchema', () => {
  it('accepts three topics with a passport each and normalises phones, mailboxes and sites', () => {
    const body = internshipApplication(3).body;
    body.organization.email = `  ${body.organization.email.toUpperCase()} `;
    const parsed = InternshipApplicationSchema.parse(body);
    expect(parsed.organization.phones).toEqual(['+74812554107', '+74812554109']);
    expect(parsed.organization.email).toBe(body.organization.email.trim().toLowerCase());
    expect(parsed.passports[1]!.website).toBe('https://sch40-smolensk.example.ru');
    expect(parsed.head.phones).toEqual(['+79107123456']);
  });

  it('refuses a fourth topic and a fourth passport', () => {
    const body = internshipApplication(3).body;
    body.passports.push({ ...structuredClone(body.passports[0]), topic: 'Четвёртая тема' });
    expect(issues(body)).toEqual(['passports']);
    body.topics.push('Четвёртая тема');
    expect(issues(body)).toEqual(['topics', 'passports']);
  });

  it('wants exactly one passport per topic, in the order of the topics', () => {
    const missing = internshipApplication(3).body;
    missing.passports.pop();
    expect(issues(missing)).toEqual(['passports']);
    const renamed = internshipApplication(2).body;
    renamed.passports[1].topic = 'Другая тема';
    expect(issues(renamed)).toEqual(['passports.1.topic']);
    const repeated = internshipApplication(2).body;
    repeated.topics[1] = repeated.topics[0];
    repeated.passports[1].topic = repeated.topics[0];
    expect(issues(repeated)).toEqual(['topics.1']);
  });

  it('wants the text of «ИНОЕ» with it and only with it', () => {
    const body = internshipApplication(3).body;
    delete body.passports[2].directionOther;
    body.passports[0].directionOther = 'лишнее';
    delete body.passports[2].contentOther;
    expect(issues(body).sort()).toEqual([
      'passports.0.directionOther',
      'passports.2.contentOther',
      'passports.2.directionOther',
    ]);
  });

  it('checks the passport fields: carrier, audience, places, formats, platform dates', () => {
    const body = internshipApplication(3).body;
    body.passports[2].carrier = { kind: 'teacher' };
    body.passports[0].audience.groups = [];
    body.passports[1].maxPlaces = 0;
    body.passports[1].interactionFormats = ['group', 'group'];
    body.passports[0].formats = ['webinars'];
    body.passports[0].justification.innovationPlatform.programTo = '2020-01-01';
    body.organization.phones = ['12-34'];
    expect(issues(body).sort()).toEqual([
      'organization.phones.0',
      'passports.0.audience.groups',
      'passports.0.formats.0',
      'passports.0.justification.innovationPlatform.programTo',
      'passports.1.interactionFormats.1',
      'passports.1.maxPlaces',
      'passports.2.carrier.person',
      'passports.2.carrier.subjectOrTopic',
    ]);
  });
});
