import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import type { AppSpec } from '../../../api/appspec';
import type { ImportRequest, ImportResponse } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { importReportSchema } from './importReport';

const importResponseSchema = z.object({
  spec: z.custom<AppSpec>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
  report: importReportSchema,
}) satisfies z.ZodType<ImportResponse>;

export type ImportedManifests = z.infer<typeof importResponseSchema>;

/** POST /api/v1/import: manifests (YAML or JSON, one or many documents) → an AppSpec and its report. */
export function importManifests(body: ImportRequest): Promise<ImportedManifests> {
  return apiRequest('/api/v1/import', { method: 'POST', body, schema: importResponseSchema });
}

export function useImportManifests() {
  return useMutation({ mutationFn: importManifests });
}

/** The paste-or-upload form: the text, and the optional namespace and name the server would guess. */
export const importFormSchema = z.object({
  yaml: z.string().refine((text) => text.trim() !== '', 'Paste manifests or upload a file.'),
  namespace: z.string().trim(),
  name: z.string().trim(),
});

export type ImportForm = z.infer<typeof importFormSchema>;

export function importRequest(values: ImportForm): ImportRequest {
  return {
    yaml: values.yaml,
    namespace: values.namespace === '' ? null : values.namespace,
    name: values.name === '' ? null : values.name,
  };
}
