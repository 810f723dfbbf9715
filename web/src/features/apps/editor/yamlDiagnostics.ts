import { yamlLanguage } from '@codemirror/lang-yaml';
import type { SyntaxNode } from '@lezer/common';
import schema from '../../../../appspec.schema.json';
import { checkAgainstSchema, type PathSegment, type Schema } from './schemaCheck';
import { readYaml, specFromValue, type YamlResult } from './specYaml';

/** One thing wrong with the YAML, where it is in the text. */
export interface YamlDiagnostic {
  from: number;
  to: number;
  /** 1-based, for the list under the editor. */
  line: number;
  /** The field it is about, the way the server writes it (`workloads[0].replicas`); empty for the YAML itself. */
  path: string;
  message: string;
}

export interface YamlCheck {
  /** What the form takes: the spec when the YAML reads as one. */
  result: YamlResult;
  /** Syntax errors and schema problems, in the order of the text. */
  diagnostics: YamlDiagnostic[];
}

/** More than this many would only hide the first ones, which are the ones to fix. */
const MAX_DIAGNOSTICS = 50;

/** `workloads[0].containers[1].image`, as the server's messages and the CLI name a field. */
export function formatPath(path: PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!/^[A-Za-z_][\w-]*$/.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

function lineAt(text: string, offset: number): { number: number; from: number; to: number } {
  const from = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  let number = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < from; i = text.indexOf('\n', i + 1)) number++;
  return { number, from, to: end === -1 ? text.length : end };
}

/** The first line of a node, without the indentation and comments around it, so a marked block stays one line. */
function firstLine(text: string, from: number, to: number): { from: number; to: number } {
  let start = from;
  while (start < to && /\s/.test(text[start]!)) start++;
  const end = text.indexOf('\n', start);
  return { from: start, to: end === -1 || end > to ? to : end };
}

const wrappers = new Set(['Anchor', 'Tag', 'Comment', '-', ':', ',', '[', ']', '{', '}', '?']);

/** The content of a node that holds one value (a Document, an Item or the value side of a Pair). */
function valueOf(node: SyntaxNode | null): SyntaxNode | null {
  for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
    if (!wrappers.has(child.name) && child.name !== 'Key') return child;
  }
  return null;
}

function pairValue(pair: SyntaxNode): SyntaxNode | null {
  let afterColon = false;
  for (let child = pair.firstChild; child; child = child.nextSibling) {
    if (child.name === ':') afterColon = true;
    else if (afterColon && !wrappers.has(child.name)) return child;
  }
  return null;
}

function unquote(raw: string): string {
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw.trim();
}

interface Located {
  /** The node of the value. */
  value: SyntaxNode | null;
  /** The key it is written under, when it is a field. */
  key: SyntaxNode | null;
  /** The `- ` entry it is, when it is a list entry. */
  item: SyntaxNode | null;
}

/**
 * Follows a path through the YAML's syntax tree, as far as the text has it: a missing field (or one
 * reached through an alias) stops at the deepest node found, which is where it would be written.
 */
function locate(text: string, root: SyntaxNode | null, path: PathSegment[]): Located {
  let here: Located = { value: root, key: null, item: null };
  for (const segment of path) {
    const container = here.value;
    if (!container) break;
    let next: Located | null = null;
    if (typeof segment === 'number' && (container.name === 'BlockSequence' || container.name === 'FlowSequence')) {
      const item = container.getChildren('Item')[segment];
      if (item) next = { value: valueOf(item), key: null, item };
    } else if (typeof segment === 'string' && (container.name === 'BlockMapping' || container.name === 'FlowMapping')) {
      const pair = container
        .getChildren('Pair')
        .find((candidate) => {
          const key = candidate.getChild('Key');
          return key !== null && unquote(text.slice(key.from, key.to)) === segment;
        });
      if (pair) next = { value: pairValue(pair), key: pair.getChild('Key'), item: null };
    }
    if (!next) break;
    here = next;
  }
  return here;
}

function rangeOf(text: string, located: Located, atKey: boolean): { from: number; to: number } {
  const { value, key, item } = located;
  const scalar = value && /Literal$/.test(value.name) && value.name !== 'BlockLiteral';
  if (atKey && key) return { from: key.from, to: key.to };
  if (value && scalar) return { from: value.from, to: value.to };
  if (key) return { from: key.from, to: key.to };
  if (item) return firstLine(text, item.from, item.to);
  if (value) return firstLine(text, value.from, value.to);
  return firstLine(text, 0, text.length);
}

function diagnostic(text: string, range: { from: number; to: number }, path: string, message: string): YamlDiagnostic {
  const to = Math.max(range.to, Math.min(range.from + 1, text.length));
  return { from: range.from, to, line: lineAt(text, range.from).number, path, message };
}

/**
 * Reads the YAML tab's text: the spec for the form when it reads, and everything wrong with it at
 * its place in the text (the parser's error, or the fields the AppSpec schema refuses).
 */
export function checkSpecYaml(text: string): YamlCheck {
  const read = readYaml(text);
  if (!read.ok) {
    const { position } = read;
    const at = position === null ? null : Math.min(position, text.length);
    const range = at === null ? firstLine(text, 0, text.length) : { from: at, to: lineAt(text, at).to };
    return { result: read, diagnostics: [diagnostic(text, range, '', read.message)] };
  }

  const problems = checkAgainstSchema(schema as Schema, read.value);
  const tree = yamlLanguage.parser.parse(text);
  const document = tree.topNode.getChild('Document');
  const root = valueOf(document);
  const diagnostics = problems.slice(0, MAX_DIAGNOSTICS).map((problem) => {
    const located = locate(text, root, problem.path);
    const path = formatPath(problem.path);
    const message = path === '' ? `The AppSpec ${problem.message}` : `${path} ${problem.message}`;
    return diagnostic(text, rangeOf(text, located, problem.atKey ?? false), path, message);
  });
  diagnostics.sort((a, b) => a.from - b.from);
  return { result: specFromValue(read.value), diagnostics };
}
