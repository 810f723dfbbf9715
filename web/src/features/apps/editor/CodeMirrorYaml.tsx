import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { Alert, Anchor, List, Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { AppSpec } from '../../../api/appspec';
import { checkSpecYaml, type YamlCheck, type YamlDiagnostic } from './yamlDiagnostics';

// Mantine's surface and text variables change with its colour scheme, so one theme serves light and
// dark; the scheme's own part holds CodeMirror's `dark` flag (selection, tooltips, panels) and token
// colours of a shade that keeps 4.5:1 contrast on that scheme's background and active line.
const mantineTheme = EditorView.theme({
  '&': {
    fontSize: '12px',
    color: 'var(--mantine-color-text)',
    backgroundColor: 'var(--mantine-color-body)',
    border: '1px solid var(--mantine-color-default-border)',
    borderRadius: 'var(--mantine-radius-sm)',
    maxHeight: '70vh',
  },
  '&.cm-focused': {
    outline: '2px solid var(--mantine-primary-color-filled)',
    outlineOffset: '-1px',
  },
  '.cm-scroller': {
    fontFamily: 'var(--mantine-font-family-monospace)',
    lineHeight: '1.5',
    overflow: 'auto',
  },
  '.cm-content, .cm-gutter': { minHeight: '432px' },
  '.cm-content': { caretColor: 'var(--mantine-color-text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--mantine-color-text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--mantine-color-default-hover)',
    color: 'var(--mantine-color-dimmed)',
    borderRight: '1px solid var(--mantine-color-default-border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--mantine-color-default-hover)' },
});

function schemeExtension(dark: boolean, shades: { main: number; purple: number }): Extension {
  const color = (name: string, shade = shades.main) => `var(--mantine-color-${name}-${shade})`;
  const style = HighlightStyle.define([
    { tag: [tags.definition(tags.propertyName), tags.propertyName], color: color('blue') },
    { tag: tags.string, color: color('teal') },
    { tag: [tags.special(tags.string), tags.keyword, tags.meta], color: color('grape', shades.purple) },
    { tag: [tags.labelName, tags.typeName], color: color('violet', shades.purple) },
    { tag: tags.comment, color: 'var(--mantine-color-dimmed)', fontStyle: 'italic' },
    { tag: tags.invalid, color: color('red') },
  ]);
  return [EditorView.theme({}, { dark }), syntaxHighlighting(style)];
}

const schemeTheme = {
  light: schemeExtension(false, { main: 9, purple: 8 }),
  dark: schemeExtension(true, { main: 3, purple: 3 }),
};

/** Checks each text once, however many times the editor and the linter ask. */
function lastCheck(): (text: string) => YamlCheck {
  let last: { text: string; check: YamlCheck } | null = null;
  return (text) => {
    if (last?.text !== text) last = { text, check: checkSpecYaml(text) };
    return last.check;
  };
}

function toLint(diagnostic: YamlDiagnostic): Diagnostic {
  return { from: diagnostic.from, to: diagnostic.to, severity: 'error', message: diagnostic.message, source: 'AppSpec' };
}

/**
 * The YAML tab's CodeMirror editor: YAML highlighting, line numbers, and the syntax error or the
 * AppSpec schema's complaints as lint marks at their lines, listed under the editor too (a list
 * entry moves the cursor there). Tab is left to move focus, so the editor never traps the keyboard;
 * Ctrl+] and Ctrl+[ indent.
 */
export function CodeMirrorYaml({
  initial,
  label,
  describedBy,
  onSpec,
}: {
  /** The text the editor starts with; later changes to it are not taken (the editor owns the text). */
  initial: string;
  label: string;
  describedBy?: string;
  /** Called with each readable version as it is typed. */
  onSpec: (spec: AppSpec) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const [theme] = useState(() => new Compartment());
  const [check] = useState(lastCheck);
  const [current, setCurrent] = useState(() => check(initial));
  const scheme = useComputedColorScheme('light');

  const changed = useEffectEvent((text: string) => {
    const next = check(text);
    setCurrent(next);
    if (next.result.ok) onSpec(next.result.spec);
  });
  const startDoc = useEffectEvent(() => initial);
  const startTheme = useEffectEvent(() => schemeTheme[scheme]);
  const startAttributes = useEffectEvent(() => ({
    'aria-label': label,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
  }));

  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: startDoc(),
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          yaml(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          lintGutter(),
          linter((v) => check(v.state.doc.toString()).diagnostics.map(toLint), { delay: 200 }),
          keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          EditorView.contentAttributes.of(startAttributes()),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed(update.state.doc.toString());
          }),
          mantineTheme,
          theme.of(startTheme()),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      viewRef.current = null;
      view.destroy();
    };
  }, [check, theme]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: theme.reconfigure(schemeTheme[scheme]) });
  }, [scheme, theme]);

  const goTo = (diagnostic: YamlDiagnostic) => {
    const view = viewRef.current;
    if (!view) return;
    const end = view.state.doc.length;
    view.dispatch({ selection: { anchor: Math.min(diagnostic.from, end), head: Math.min(diagnostic.to, end) }, scrollIntoView: true });
    view.focus();
  };

  const { result, diagnostics } = current;
  return (
    <Stack gap="xs">
      <div ref={host} />
      {diagnostics.length > 0 && (
        <Alert color="red" variant="light" p="xs" title={`${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the YAML`}>
          <List size="sm" listStyleType="none" spacing={2}>
            {diagnostics.map((diagnostic) => (
              <List.Item key={`${diagnostic.from}:${diagnostic.message}`}>
                <Anchor component="button" type="button" size="sm" c="inherit" ta="left" onClick={() => goTo(diagnostic)}>
                  {`Line ${diagnostic.line}: ${diagnostic.message}`}
                </Anchor>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {!result.ok && (
        <Alert color="yellow" variant="light" p="xs">
          <Text size="sm">The form keeps the last readable version until the YAML reads again.</Text>
        </Alert>
      )}
    </Stack>
  );
}
