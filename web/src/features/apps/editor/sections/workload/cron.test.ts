import { describe, expect, it } from 'vitest';
import { describeCron, formatRun, isTimeZone, nextRuns, parseCron, type Schedule } from './cron';

function schedule(text: string): Schedule {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.schedule;
}

const words = (text: string) => {
  const described = describeCron(text);
  return described.ok ? described.text : `error: ${described.error}`;
};

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('parseCron', () => {
  it('accepts what the CronJob controller accepts', () => {
    for (const good of ['0 2 * * *', '*/15 * * * *', '0 0 1,15 * mon-fri', '30 3 * jan-mar 0', '0 0 * * 7', '5/15 * ? * *', '@daily', '@HOURLY', ' 0 3 * * * ']) {
      expect(parseCron(good).ok, good).toBe(true);
    }
  });

  it('says which field is wrong and why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['* * * *', /5 fields.*has 4/],
      ['60 * * * *', /minute field '60': 60 is outside 0-59/],
      ['0 24 * * *', /hour field/],
      ['0 0 0 * *', /day of month field/],
      ['*/0 * * * *', /step must be positive/],
      ['5-1 * * * *', /backwards/],
      ['0 0 * foo *', /month field 'foo': 'foo' is not a number/],
      ['@every 5m', /@every is not supported/],
      ['@nightly', /Unknown schedule macro/],
      ['TZ=UTC 0 0 * * *', /time zone field/],
    ];
    for (const [bad, message] of cases) {
      const parsed = parseCron(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(message);
    }
  });

  it('expands lists, ranges, steps and names into values', () => {
    const s = schedule('1,10-12,*/20 0 * jan,MAR-apr sun,7');
    expect(s.minute.values.flatMap((on, i) => (on ? [i] : []))).toEqual([0, 1, 10, 11, 12, 20, 40]);
    expect(s.month.values.flatMap((on, i) => (on ? [i] : []))).toEqual([1, 3, 4]);
    expect(s.dayOfWeek.values.flatMap((on, i) => (on ? [i] : []))).toEqual([0]);
    expect(schedule('5/20 * * * *').minute.values.flatMap((on, i) => (on ? [i] : []))).toEqual([5, 25, 45]);
  });
});

describe('describeCron', () => {
  it('reads common schedules', () => {
    expect(words('0 3 * * *')).toBe('At 03:00');
    expect(words('30 3 * * mon-fri')).toBe('At 03:30 on Monday through Friday');
    expect(words('0 9,17 * * *')).toBe('At 09:00 and 17:00');
    expect(words('*/15 * * * *')).toBe('Every 15 minutes');
    expect(words('* * * * *')).toBe('Every minute');
    expect(words('5 * * * *')).toBe('At minute 5 of every hour');
    expect(words('0 */2 * * *')).toBe('At minute 0 of every 2nd hour');
    expect(words('*/10 9-17 * * *')).toBe('Every 10 minutes past hours 09 through 17');
    expect(words('0 0 1,15 * *')).toBe('At 00:00 on day 1 and 15 of the month');
    expect(words('0 0 1 * sun')).toBe('At 00:00 on day 1 of the month or on Sunday');
    expect(words('0 12 * jan-mar *')).toBe('At 12:00 in January through March');
    expect(words('0 0 */2 * *')).toBe('At 00:00 on every 2nd day of the month');
    expect(words('0 0 * * 7')).toBe('At 00:00 on Sunday');
  });

  it('reads the macros', () => {
    expect(words('@hourly')).toBe('Once an hour, at minute 0');
    expect(words('@daily')).toBe('Once a day, at 00:00');
    expect(words('@weekly')).toBe('Once a week, at 00:00 on Sunday');
    expect(words('@monthly')).toBe('Once a month, at 00:00 on day 1');
    expect(words('@yearly')).toBe('Once a year, at 00:00 on January 1');
  });

  it('gives the reason for what it cannot read', () => {
    expect(words('0 0 * *')).toMatch(/^error: A schedule has 5 fields/);
  });
});

describe('nextRuns', () => {
  const from = new Date('2026-11-30T18:07:30Z'); // a Monday

  it('finds the next runs in UTC by default', () => {
    expect(iso(nextRuns(schedule('0 3 * * *'), from, 3))).toEqual(['2026-12-01T03:00:00.000Z', '2026-12-02T03:00:00.000Z', '2026-12-03T03:00:00.000Z']);
    expect(iso(nextRuns(schedule('*/15 * * * *'), from, 3))).toEqual(['2026-11-30T18:15:00.000Z', '2026-11-30T18:30:00.000Z', '2026-11-30T18:45:00.000Z']);
    expect(iso(nextRuns(schedule('@hourly'), from, 2))).toEqual(['2026-11-30T19:00:00.000Z', '2026-11-30T20:00:00.000Z']);
  });

  it('runs strictly after the given time', () => {
    expect(iso(nextRuns(schedule('0 18 * * *'), new Date('2026-11-30T18:00:00Z'), 1))).toEqual(['2026-12-01T18:00:00.000Z']);
    expect(iso(nextRuns(schedule('0 18 * * *'), new Date('2026-11-30T17:59:59Z'), 1))).toEqual(['2026-11-30T18:00:00.000Z']);
  });

  it('matches either day field when both are restricted, both when one is a star', () => {
    // Day 1 or a Friday: Fri Dec 4, then Tue Dec 1 comes first.
    expect(iso(nextRuns(schedule('0 0 1 * fri'), from, 3))).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-04T00:00:00.000Z', '2026-12-11T00:00:00.000Z']);
    // Fridays only (day of month is a star).
    expect(iso(nextRuns(schedule('0 0 * * 5'), from, 2))).toEqual(['2026-12-04T00:00:00.000Z', '2026-12-11T00:00:00.000Z']);
    // Every second day of the month restricts the days, so the weekday widens them.
    expect(nextRuns(schedule('0 0 */10 * mon'), from, 4).map((d) => d.getUTCDate())).toEqual([1, 7, 11, 14]);
  });

  it('crosses months and years and skips days a month lacks', () => {
    expect(iso(nextRuns(schedule('@yearly'), from, 2))).toEqual(['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']);
    expect(iso(nextRuns(schedule('0 0 31 * *'), from, 3))).toEqual(['2026-12-31T00:00:00.000Z', '2027-01-31T00:00:00.000Z', '2027-03-31T00:00:00.000Z']);
    expect(iso(nextRuns(schedule('0 0 29 feb *'), from, 1))).toEqual(['2028-02-29T00:00:00.000Z']);
  });

  it('returns nothing for a schedule that never comes', () => {
    expect(nextRuns(schedule('0 0 30 feb *'), from, 3)).toEqual([]);
  });

  it('honours the time zone', () => {
    // 03:00 in Berlin is 02:00 UTC in winter.
    expect(iso(nextRuns(schedule('0 3 * * *'), from, 2, 'Europe/Berlin'))).toEqual(['2026-12-01T02:00:00.000Z', '2026-12-02T02:00:00.000Z']);
    // 20:00 in New York on Monday Nov 30 is 01:00 UTC on Dec 1, still to come at 18:07 UTC.
    expect(iso(nextRuns(schedule('0 20 * * mon'), from, 1, 'America/New_York'))).toEqual(['2026-12-01T01:00:00.000Z']);
  });

  it('skips a time the clocks jump over and runs once when they go back', () => {
    // Berlin skips 02:00-03:00 on 2027-03-28 and repeats 02:00-03:00 on 2027-10-31.
    const spring = nextRuns(schedule('30 2 * * *'), new Date('2027-03-27T12:00:00Z'), 2, 'Europe/Berlin');
    expect(iso(spring)).toEqual(['2027-03-29T00:30:00.000Z', '2027-03-30T00:30:00.000Z']);
    const autumn = nextRuns(schedule('30 2 * * *'), new Date('2027-10-30T12:00:00Z'), 2, 'Europe/Berlin');
    expect(iso(autumn)).toEqual(['2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z']);
  });
});

describe('time zones and formatting', () => {
  it('knows the zones the browser knows', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('shows a run as it reads in the zone', () => {
    const run = new Date('2026-12-01T02:00:00Z');
    expect(formatRun(run)).toBe('Tue, Dec 1, 2026, 02:00');
    expect(formatRun(run, 'Europe/Berlin')).toBe('Tue, Dec 1, 2026, 03:00');
  });
});
