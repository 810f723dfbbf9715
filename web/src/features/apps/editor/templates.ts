import type { AppSpec } from '../../../api/appspec';

export interface TemplateInfo {
  id: string;
  title: string;
  /** The example's first comment line, which says what it shows. */
  description: string;
}

// The repository's examples/ are built into the app (the server has no route that serves them); the
// texts are loaded only when templates are shown or one is picked.
const sources = import.meta.glob<string>('../../../../../examples/*.yaml', { query: '?raw', import: 'default' });

function idOf(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.yaml$/, '');
}

// Words of the example file names that are spelled a particular way.
const spelled: Record<string, string> = {
  api: 'API',
  postgres: 'PostgreSQL',
  statefulset: 'StatefulSet',
  replicaset: 'ReplicaSet',
  job: 'Job',
};

function titleOf(id: string): string {
  const words = id.split('-').map((word) => spelled[word] ?? word);
  const title = words.join(' ');
  return title[0]!.toUpperCase() + title.slice(1);
}

function source(id: string): (() => Promise<string>) | undefined {
  return Object.entries(sources).find(([path]) => idOf(path) === id)?.[1];
}

export async function listTemplates(): Promise<TemplateInfo[]> {
  const entries = await Promise.all(
    Object.entries(sources).map(async ([path, load]) => {
      const id = idOf(path);
      const text = await load();
      return { id, title: titleOf(id), description: /^#\s*(.+)$/m.exec(text)?.[1] ?? '' };
    }),
  );
  return entries.sort((a, b) => a.title.localeCompare(b.title));
}

export async function loadTemplate(id: string): Promise<AppSpec | null> {
  const load = source(id);
  if (!load) return null;
  const [{ specFromYaml }, text] = await Promise.all([import('./specYaml'), load()]);
  const result = specFromYaml(text);
  return result.ok ? result.spec : null;
}
