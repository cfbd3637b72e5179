import { describe, expect, it } from 'vitest';
import {
  addDays,
  addYears,
  changedPaths,
  eligibilityViolation,
  groundsOf,
  insideSelectionWindow,
  maxValidUntil,
  selectionWindowViolation,
  windowText,
} from '../../forms/internship-application/rules';
import {
  type InternshipApplicationForm,
  InternshipApplicationSchema,
} from '../../forms/internship-application/schema';
import { internshipApplication, ruralApplication } from '../support/internship-fixtures';

const SMOLENSK_WINDOW = { from: '09-01', to: '11-01' };

function parsed(body: unknown): InternshipApplicationForm {
  return InternshipApplicationSchema.parse(body);
}

describe('A4 3.2: the selection window', () => {
  it('includes 1 September and 1 November and nothing outside', () => {
    expect(insideSelectionWindow('2026-09-01', SMOLENSK_WINDOW)).toBe(true);
    expect(insideSelectionWindow('2026-10-15', SMOLENSK_WINDOW)).toBe(true);
    expect(insideSelectionWindow('2026-11-01', SMOLENSK_WINDOW)).toBe(true);
    expect(insideSelectionWindow('2026-08-31', SMOLENSK_WINDOW)).toBe(false);
    expect(insideSelectionWindow('2026-11-02', SMOLENSK_WINDOW)).toBe(false);
    expect(insideSelectionWindow('2027-01-15', SMOLENSK_WINDOW)).toBe(false);
  });

  it('handles a window across the new year (another instance may set one)', () => {
    const winter = { from: '12-01', to: '01-31' };
    expect(insideSelectionWindow('2026-12-31', winter)).toBe(true);
    expect(insideSelectionWindow('2027-01-31', winter)).toBe(true);
    expect(insideSelectionWindow('2027-02-01', winter)).toBe(false);
  });

  it('names the window in the refusal', () => {
    expect(windowText(SMOLENSK_WINDOW)).toBe('с 1 сентября по 1 ноября');
    const v = selectionWindowViolation('2026-11-02', SMOLENSK_WINDOW);
    expect(v?.rule).toBe('outside-selection-window');
    expect(v?.message).toContain('Заявки принимаются с 1 сентября по 1 ноября');
    expect(v?.path).toBeUndefined();
    expect(selectionWindowViolation('2026-09-01', SMOLENSK_WINDOW)).toBeUndefined();
  });
});

describe('A4 3.9: the status term', () => {
  it('ends on the same day three years after the order (civil code art. 191–192)', () => {
    expect(maxValidUntil('2026-12-01', 3)).toBe('2029-12-01');
    // No 29 February in 2031: the last day of that February.
    expect(maxValidUntil('2028-02-29', 3)).toBe('2031-02-28');
    expect(addYears('2026-10-15', -5)).toBe('2021-10-15');
  });

  it('counts days across months and years', () => {
    expect(addDays('2029-12-01', -90)).toBe('2029-09-02');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('A4 3.1.1–3.1.4: the grounds', () => {
  it('finds each ground in a passport', () => {
    const [reading, digital, mediation] = parsed(internshipApplication(3).body).passports;
    expect(groundsOf(reading!, '2026-10-15')).toEqual(['3.1.1', '3.1.2', '3.1.4']);
    expect(groundsOf(digital!, '2026-10-15')).toEqual(['3.1.3', '3.1.4']);
    expect(groundsOf(mediation!, '2026-10-15')).toEqual(['3.1.4']);
  });

  it('counts an innovation platform up to 5 years after its programme ended, not a day more', () => {
    const body = ruralApplication().body;
    const j = body.passports[0].justification;
    delete j.positiveExperience;
    j.innovationPlatform = {
      level: 'federal',
      topic: 'Сельская школа',
      programFrom: '2018-09-01',
      programTo: '2021-10-15',
    };
    expect(groundsOf(parsed(body).passports[0]!, '2026-10-15')).toEqual(['3.1.1']);
    expect(groundsOf(parsed(body).passports[0]!, '2026-10-16')).toEqual([]);
    // A platform still working counts as well.
    j.innovationPlatform.programTo = '2027-06-30';
    expect(groundsOf(parsed(body).passports[0]!, '2026-10-16')).toEqual(['3.1.1']);
  });

  it('refuses with a rule naming the passports without a ground and an outdated platform', () => {
    const body = internshipApplication(3).body;
    const j = body.passports[2].justification;
    j.staffCompetence = { highestCategoryTeachers: 0, contestWinners: 0 };
    j.innovationPlatform = {
      level: 'regional',
      topic: 'Медиация',
      programFrom: '2015-09-01',
      programTo: '2019-06-30',
    };
    const v = eligibilityViolation(parsed(body), '2026-10-15', 'ГАУ ДПО СОИРО');
    expect(v?.rule).toBe('no-eligibility-ground');
    expect(v?.message).toContain('В паспорте № 3 ни одно из них не подтверждено.');
    expect(v?.message).toContain('опыт сотрудничества с ГАУ ДПО СОИРО');
    expect(v?.message).toContain('завершённая более 5 лет назад, не учитывается (п. 3.1.1)');
    expect(
      eligibilityViolation(parsed(internshipApplication(3).body), '2026-10-15', 'ГАУ ДПО СОИРО'),
    ).toBeUndefined();
  });
});

describe('resubmission history', () => {
  it('lists the changed leaves of the form', () => {
    const before = parsed(internshipApplication(2).body);
    const after = structuredClone(before);
    after.passports[1]!.maxPlaces = 20;
    after.passports[1]!.formats = ['routes'];
    after.organization.website = undefined;
    expect(changedPaths(before, after).sort()).toEqual([
      'organization.website',
      'passports.1.formats.0',
      'passports.1.formats.1',
      'passports.1.maxPlaces',
    ]);
    expect(changedPaths(before, structuredClone(before))).toEqual([]);
  });
});
