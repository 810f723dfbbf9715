/**
 * Cron schedules as a CronJob reads them (five fields or a macro), for the editor's hints: what a
 * schedule says in words and when it runs next. Pure: the clock and the time zone are arguments.
 * The server's check (crates/manifest/src/validate/cron.rs) stays the judge of what is valid.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface FieldDef {
  what: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldDef[] = [
  { what: 'minute', min: 0, max: 59 },
  { what: 'hour', min: 0, max: 23 },
  { what: 'day of month', min: 1, max: 31 },
  { what: 'month', min: 1, max: 12, names: MONTHS.map((m) => m.slice(0, 3).toLowerCase()) },
  { what: 'day of week', min: 0, max: 7, names: WEEKDAYS.map((d) => d.slice(0, 3).toLowerCase()) },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** One comma-separated part of a field: `low-high/step`, with `*` as the whole range. */
interface Part {
  star: boolean;
  low: number;
  high: number;
  step: number;
  /** Written as a single value (`5`), not a range or a step. */
  single: boolean;
}

interface Field {
  parts: Part[];
  /** The allowed values, indexed by value. */
  values: boolean[];
  /** The field is `*` or `?` without a step: for the day fields, "not restricted". */
  star: boolean;
}

export interface Schedule {
  minute: Field;
  hour: Field;
  dayOfMonth: Field;
  month: Field;
  dayOfWeek: Field;
  /** The macro the schedule was written as, if any. */
  macro: string | null;
}

export type ParseResult = { ok: true; schedule: Schedule } | { ok: false; error: string };

function parseValue(text: string, def: FieldDef): number {
  const lower = text.toLowerCase();
  const named = def.names?.indexOf(lower) ?? -1;
  // Month names count from 1 (the field's minimum), weekday names from 0.
  if (named >= 0) return named + def.min;
  if (!/^\d+$/.test(text)) throw new Error(`'${text}' is not a number`);
  const number = Number(text);
  if (number < def.min || number > def.max) throw new Error(`${number} is outside ${def.min}-${def.max}`);
  return number;
}

function parseField(text: string, def: FieldDef): Field {
  const values = new Array<boolean>(def.max + 1).fill(false);
  const parts: Part[] = [];
  for (const partText of text.split(',')) {
    const slash = partText.indexOf('/');
    const range = slash >= 0 ? partText.slice(0, slash) : partText;
    let step = 1;
    if (slash >= 0) {
      const stepText = partText.slice(slash + 1);
      if (!/^\d+$/.test(stepText)) throw new Error(`step '${stepText}' is not a number`);
      step = Number(stepText);
      if (step === 0) throw new Error('step must be positive');
    }
    let part: Part;
    if (range === '*' || range === '?') {
      part = { star: true, low: def.min, high: def.what === 'day of week' ? 6 : def.max, step, single: false };
    } else {
      const dash = range.indexOf('-');
      if (dash >= 0) {
        const low = parseValue(range.slice(0, dash), def);
        const high = parseValue(range.slice(dash + 1), def);
        if (low > high) throw new Error(`range ${low}-${high} is backwards`);
        part = { star: false, low, high, step, single: false };
      } else {
        const low = parseValue(range, def);
        // `5/15` is "from 5 on, every 15th".
        part = { star: false, low, high: slash >= 0 ? def.max : low, step, single: slash < 0 };
      }
    }
    for (let value = part.low; value <= part.high; value += part.step) values[value] = true;
    parts.push(part);
  }
  if (def.what === 'day of week' && values[7]) {
    values[0] = true;
    values[7] = false;
  }
  return { parts, values, star: parts.length === 1 && parts[0]!.star && parts[0]!.step === 1 };
}

/** Reads a schedule; the error says which field is wrong and why, like the server does. */
export function parseCron(text: string): ParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'The schedule is empty' };
  if (/^(CRON_)?TZ=/.test(trimmed)) return { ok: false, error: 'Time zone prefixes are not allowed here; use the time zone field' };
  let expression = trimmed;
  let macro: string | null = null;
  if (trimmed.startsWith('@')) {
    const lower = trimmed.toLowerCase();
    if (lower.startsWith('@every')) return { ok: false, error: '@every is not supported by CronJobs' };
    const expanded = MACROS[lower];
    if (expanded === undefined) return { ok: false, error: `Unknown schedule macro '${trimmed}'` };
    expression = expanded;
    macro = lower;
  }
  const texts = expression.split(/\s+/);
  if (texts.length !== 5) {
    return { ok: false, error: `A schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${texts.length}` };
  }
  const fields: Field[] = [];
  for (let index = 0; index < 5; index++) {
    const def = FIELDS[index]!;
    try {
      fields.push(parseField(texts[index]!, def));
    } catch (error) {
      return { ok: false, error: `The ${def.what} field '${texts[index]}': ${(error as Error).message}` };
    }
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [Field, Field, Field, Field, Field];
  return { ok: true, schedule: { minute, hour, dayOfMonth, month, dayOfWeek, macro } };
}

// ---- In words --------------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The values of a field in words: `1, 15 and 20 through 25`, `every 2nd from 1 through 10`. */
function partsInWords(field: Field, name: (n: number) => string): string {
  return joinList(
    field.parts.map((part) => {
      if (part.single) return name(part.low);
      const range = part.star ? '' : ` from ${name(part.low)} through ${name(part.high)}`;
      if (part.step === 1) return part.star ? 'every' : `${name(part.low)} through ${name(part.high)}`;
      return `every ${ordinal(part.step)}${range}`;
    }),
  );
}

function singles(field: Field): number[] | null {
  return field.parts.every((part) => part.single) ? field.parts.map((part) => part.low) : null;
}

/** The step of a field written `*\/n` (1 for `*`), or null when it lists values. */
function everyStep(field: Field): number | null {
  return field.parts.length === 1 && field.parts[0]!.star ? field.parts[0]!.step : null;
}

function timeInWords(s: Schedule): string {
  const minutes = singles(s.minute);
  const hours = singles(s.hour);
  if (minutes && hours && minutes.length * hours.length <= 6) {
    const times = hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
    return `at ${joinList(times)}`;
  }
  const minuteStep = everyStep(s.minute);
  const hourStep = everyStep(s.hour);
  let minutePart: string;
  if (minuteStep === 1) minutePart = 'every minute';
  else if (minuteStep !== null) minutePart = `every ${minuteStep} minutes`;
  else if (minutes) minutePart = `at minute ${joinList(minutes.map(String))}`;
  else minutePart = `at minutes ${partsInWords(s.minute, String)}`;
  if (hourStep === 1) return minutes ? `${minutePart} of every hour` : minutePart;
  if (hourStep !== null) return `${minutePart} of every ${ordinal(hourStep)} hour`;
  if (hours) return `${minutePart} past ${hours.length === 1 ? 'hour' : 'hours'} ${joinList(hours.map(pad))}`;
  return `${minutePart} past hours ${partsInWords(s.hour, pad)}`;
}

function daysInWords(s: Schedule): string {
  const weekday = (n: number) => WEEKDAYS[n % 7]!;
  const dayStep = everyStep(s.dayOfMonth);
  const onDays = s.dayOfMonth.star
    ? null
    : dayStep !== null
      ? `on every ${ordinal(dayStep)} day of the month`
      : `on day ${partsInWords(s.dayOfMonth, String)} of the month`;
  const onWeekdays = s.dayOfWeek.star ? null : `on ${partsInWords(s.dayOfWeek, weekday)}`;
  // Both restricted: a day matching either runs (as cron has always done).
  if (onDays && onWeekdays) return `${onDays} or ${onWeekdays}`;
  return onDays ?? onWeekdays ?? '';
}

function monthsInWords(s: Schedule): string {
  const step = everyStep(s.month);
  if (step === 1) return '';
  if (step !== null) return `every ${ordinal(step)} month`;
  return `in ${partsInWords(s.month, (n) => MONTHS[n - 1]!)}`;
}

const MACRO_WORDS: Record<string, string> = {
  '@yearly': 'Once a year, at 00:00 on January 1',
  '@annually': 'Once a year, at 00:00 on January 1',
  '@monthly': 'Once a month, at 00:00 on day 1',
  '@weekly': 'Once a week, at 00:00 on Sunday',
  '@daily': 'Once a day, at 00:00',
  '@midnight': 'Once a day, at 00:00',
  '@hourly': 'Once an hour, at minute 0',
};

/** The schedule in words, e.g. "At 03:30 on Monday through Friday". */
export function describeSchedule(s: Schedule): string {
  if (s.macro) return MACRO_WORDS[s.macro]!;
  const words = [timeInWords(s), daysInWords(s), monthsInWords(s)].filter((w) => w !== '').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The expression in words, or why it cannot be read. */
export function describeCron(text: string): { ok: true; text: string } | { ok: false; error: string } {
  const parsed = parseCron(text);
  return parsed.ok ? { ok: true, text: describeSchedule(parsed.schedule) } : parsed;
}

// ---- Next runs -------------------------------------------------------------------------------------

/**
 * Wall-clock times are held as the UTC fields of a Date ("naive" times); instants are real Dates.
 * A zone's offset is read through Intl, so any IANA zone the browser knows works.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether the browser knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time of `instant` in the zone, as a naive time (milliseconds). */
function wallOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The instant a naive wall-clock time happens in the zone: the first of two when clocks go back, none
 * when clocks skip it (the run is skipped, as this reading does not guess the controller's choice).
 */
function instantOf(wall: number, timeZone: string): number | null {
  const candidates = [wall - (wallOf(wall - 12 * HOUR, timeZone) - (wall - 12 * HOUR)), wall - (wallOf(wall + 12 * HOUR, timeZone) - (wall + 12 * HOUR))]
    .filter((instant) => wallOf(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  return candidates[0] ?? null;
}

function dayMatches(s: Schedule, date: Date): boolean {
  const dom = s.dayOfMonth.values[date.getUTCDate()] === true;
  const dow = s.dayOfWeek.values[date.getUTCDay()] === true;
  if (s.dayOfMonth.star || s.dayOfWeek.star) return dom && dow;
  return dom || dow;
}

/** The first naive time at or after `wall` the schedule matches, or null within about eight years. */
function nextWall(s: Schedule, wall: number): number | null {
  const date = new Date(wall);
  const limit = date.getUTCFullYear() + 8;
  while (date.getUTCFullYear() <= limit) {
    if (!s.month.values[date.getUTCMonth() + 1]) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!s.hour.values[date.getUTCHours()]) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minute.values[date.getUTCMinutes()]) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
    } else {
      return date.getTime();
    }
  }
  return null;
}

/**
 * The next `count` runs strictly after `from`, in the zone (`UTC` when none is given). Fewer when the
 * schedule never matches (e.g. February 30).
 */
export function nextRuns(s: Schedule, from: Date, count: number, timeZone = 'UTC'): Date[] {
  const runs: Date[] = [];
  // The minute after `from`, on the wall clock of the zone.
  let wall = Math.floor(wallOf(from.getTime(), timeZone) / MINUTE) * MINUTE + MINUTE;
  while (runs.length < count) {
    const match = nextWall(s, wall);
    if (match === null) break;
    const instant = instantOf(match, timeZone);
    if (instant !== null && instant > from.getTime()) runs.push(new Date(instant));
    wall = match + MINUTE;
  }
  return runs;
}

/** A run time as it reads in the zone, e.g. "Mon, Dec 1, 2026, 03:00". */
export function formatRun(run: Date, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(run);
}
