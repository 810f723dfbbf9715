import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import type { components } from '../../../api/schema';
import { apiRequest } from '../../../lib/http';

export type AuditEvent = components['schemas']['AuditEvent'];
export type AuditPage = components['schemas']['AuditPage'];

const auditEventSchema = z.object({
  id: z.string(),
  actor: z.object({ id: z.string(), username: z.string() }).nullable(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
  at: z.string(),
});

const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<AuditPage>;

/** What `GET /api/v1/audit` can narrow by: one exact target (`deployment:<id>`), a page size and a cursor. */
export interface AuditQuery {
  target: string | null;
  limit: number;
  cursor: string | null;
}

export const auditQueryKey = ['audit'] as const;

export function auditSearch({ target, limit, cursor }: AuditQuery): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (target) params.set('target', target);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  return apiRequest(`/api/v1/audit?${auditSearch(query)}`, { schema: auditPageSchema, signal });
}

/** One page of the audit trail, newest first; the previous page stays on screen while the next loads. */
export function useAuditPage(query: AuditQuery) {
  return useQuery({
    queryKey: [...auditQueryKey, query],
    queryFn: ({ signal }) => listAudit(query, signal),
    placeholderData: keepPreviousData,
  });
}
