/**
 * Checks a value against a JSON Schema (draft 2020-12, the keywords `kubechart schema` writes) and says
 * what is wrong in the words the form uses. Interpreted rather than compiled: the content security
 * policy forbids eval, which is how ajv and its kind turn a schema into code. A choice (`oneOf`,
 * `anyOf`) that no branch matches is reported through the branch the value was meant for, not as a
 * list of every branch's complaints.
 */

export type PathSegment = string | number;

export interface SchemaProblem {
  /** Where the value is wrong, from the root (`['workloads', 0, 'replicas']`). */
  path: PathSegment[];
  message: string;
  /** The problem is the field's name itself (an unknown field), not its value. */
  atKey?: boolean;
}

export type Schema = boolean | { [keyword: string]: unknown };

/** The keywords this checker applies; a schema using any other fails the coverage test. */
export const checkedKeywords = [
  '$ref',
  'type',
  'const',
  'enum',
  'properties',
  'additionalProperties',
  'required',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'format',
] as const;

/** Keywords that describe and never reject. */
export const annotationKeywords = [
  '$schema',
  '$id',
  '$defs',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
] as const;

const integerRanges: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
};

type SchemaObject = { [keyword: string]: unknown };

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

const typeWords: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  null: 'null',
};

function orList(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

class Checker {
  private readonly root: Schema;

  constructor(root: Schema) {
    this.root = root;
  }

  /** Follows `$ref`s to the schema they name; keywords beside a `$ref` apply too (2020-12). */
  resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error('the schema refers to itself in a loop');
      const { $ref: ref, ...siblings } = current as SchemaObject & { $ref: string };
      if (!ref.startsWith('#')) throw new Error(`only references inside the schema are supported, not ${ref}`);
      let target: unknown = this.root;
      for (const raw of ref.slice(1).split('/').filter(Boolean)) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        target = typeof target === 'object' && target !== null ? (target as SchemaObject)[key] : undefined;
      }
      if (target === undefined) throw new Error(`the schema has no ${ref}`);
      const resolved = target as Schema;
      current = typeof resolved === 'object' && Object.keys(siblings).length > 0 ? { ...resolved, ...siblings } : resolved;
    }
    return current;
  }

  check(schema: Schema, value: unknown, path: PathSegment[]): SchemaProblem[] {
    const s = this.resolve(schema);
    if (s === true) return [];
    if (s === false) return [{ path, message: 'is not allowed here' }];
    const problems: SchemaProblem[] = [];

    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((type) => hasType(value, type))) {
        return [{ path, message: `must be ${orList(types.map((type) => typeWords[type] ?? type))}` }];
      }
    }
    if ('const' in s && !deepEqual(value, s.const)) {
      return [{ path, message: `must be ${show(s.const)}` }];
    }
    if (Array.isArray(s.enum) && !s.enum.some((option) => deepEqual(value, option))) {
      return [{ path, message: `must be one of ${orList(s.enum.map(show))}` }];
    }

    if (typeof value === 'number') {
      const range = typeof s.format === 'string' ? integerRanges[s.format] : undefined;
      if (range && Number.isInteger(value) && (value < range[0] || value > range[1])) {
        problems.push({ path, message: `must be between ${range[0]} and ${range[1]}` });
      }
      if (typeof s.minimum === 'number' && value < s.minimum) problems.push({ path, message: `must be at least ${s.minimum}` });
      if (typeof s.maximum === 'number' && value > s.maximum) problems.push({ path, message: `must be at most ${s.maximum}` });
      if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) {
        problems.push({ path, message: `must be more than ${s.exclusiveMinimum}` });
      }
      if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) {
        problems.push({ path, message: `must be less than ${s.exclusiveMaximum}` });
      }
    }

    if (typeof value === 'string') {
      const length = [...value].length;
      if (typeof s.minLength === 'number' && length < s.minLength) {
        problems.push({ path, message: s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters` });
      }
      if (typeof s.maxLength === 'number' && length > s.maxLength) {
        problems.push({ path, message: `must be at most ${s.maxLength} characters` });
      }
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) {
        problems.push({ path, message: `must match ${s.pattern}` });
      }
    }

    if (Array.isArray(value)) {
      if (typeof s.minItems === 'number' && value.length < s.minItems) {
        problems.push({ path, message: `needs at least ${s.minItems} entr${s.minItems === 1 ? 'y' : 'ies'}` });
      }
      if (typeof s.maxItems === 'number' && value.length > s.maxItems) {
        problems.push({ path, message: `takes at most ${s.maxItems} entr${s.maxItems === 1 ? 'y' : 'ies'}` });
      }
      if (s.items !== undefined) {
        value.forEach((item, index) => problems.push(...this.check(s.items as Schema, item, [...path, index])));
      }
    }

    if (typeOf(value) === 'object') {
      const object = value as Record<string, unknown>;
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      if (Array.isArray(s.required)) {
        for (const name of s.required as string[]) {
          if (!(name in object)) problems.push({ path, message: `needs ${name}` });
        }
      }
      for (const [name, child] of Object.entries(object)) {
        if (Object.hasOwn(properties, name)) {
          problems.push(...this.check(properties[name]!, child, [...path, name]));
        } else if (s.additionalProperties === false) {
          problems.push({ path: [...path, name], message: 'is not a known field', atKey: true });
        } else if (s.additionalProperties !== undefined) {
          problems.push(...this.check(s.additionalProperties as Schema, child, [...path, name]));
        }
      }
    }

    if (Array.isArray(s.allOf)) {
      for (const branch of s.allOf as Schema[]) problems.push(...this.check(branch, value, path));
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(s[keyword])) problems.push(...this.choice(keyword, s[keyword] as Schema[], value, path));
    }
    return problems;
  }

  private choice(keyword: 'anyOf' | 'oneOf', branches: Schema[], value: unknown, path: PathSegment[]): SchemaProblem[] {
    const results = branches.map((branch) => this.check(branch, value, path));
    const matching = results.filter((problems) => problems.length === 0).length;
    if (matching === 1 || (matching > 1 && keyword === 'anyOf')) return [];
    if (matching > 1) return [{ path, message: 'matches more than one of its forms' }];

    // The branches the value was meant for: those whose complaints are all about what is inside it.
    const here = (problem: SchemaProblem) => problem.path.length === path.length;
    const meant = results.filter((problems) => !problems.some(here));
    if (meant.length > 0) {
      return meant.reduce((fewest, problems) => (problems.length < fewest.length ? problems : fewest));
    }
    return [{ path, message: this.describeChoices(branches) }];
  }

  private describeChoices(branches: Schema[]): string {
    const resolved = branches.map((branch) => this.resolve(branch)).filter((b): b is SchemaObject => typeof b === 'object');
    if (resolved.length === branches.length && resolved.every((b) => 'const' in b)) {
      return `must be one of ${orList(resolved.map((b) => show(b.const)))}`;
    }
    const titles = resolved.map((b) => (typeof b.title === 'string' ? b.title.toLowerCase() : null));
    if (resolved.length === branches.length && titles.every((title) => title !== null)) {
      return `must be ${orList(titles as string[])}`;
    }
    if (resolved.length === branches.length && resolved.every((b) => typeof b.type === 'string')) {
      const required = resolved.map((b) => (Array.isArray(b.required) && b.required.length === 1 ? String(b.required[0]) : null));
      if (resolved.every((b) => b.type === 'object') && required.every((name) => name !== null)) {
        return `needs exactly one of ${orList(required as string[])}`;
      }
      return `must be ${orList([...new Set(resolved.map((b) => typeWords[b.type as string] ?? String(b.type)))])}`;
    }
    return 'does not match any of its forms';
  }
}

/** Every problem of `value` against `schema`, outermost first. */
export function checkAgainstSchema(schema: Schema, value: unknown): SchemaProblem[] {
  const checker = new Checker(schema);
  return checker.check(schema, value, []);
}
