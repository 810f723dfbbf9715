import { z } from 'zod';
import type { AppSpec } from '../../../api/appspec';
import type { RenderResponse } from '../../../api/types';
import { apiRequest } from '../../../lib/http';

const renderSchema = z.object({
  yaml: z.string(),
  objects: z.array(
    z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string().nullable() }),
  ),
  resourceCount: z.number(),
  warnings: z.array(z.string()),
}) satisfies z.ZodType<RenderResponse>;

/** POST /api/v1/render: the manifests of a spec that is not saved, Secret values redacted. */
export function renderSpec(spec: AppSpec, signal?: AbortSignal): Promise<RenderResponse> {
  return apiRequest('/api/v1/render', { method: 'POST', body: { spec, redactSecrets: true }, schema: renderSchema, signal });
}
