import { z } from 'zod';

/**
 * What an import did with every object, as both import routes answer it. The OpenAPI document leaves
 * the report an open map, so its shape (the manifest crate's `ImportReport`) is checked here.
 */
export const importOutcomes = ['form', 'extraObject', 'refused'] as const;
export type ImportOutcome = (typeof importOutcomes)[number];

const fieldList = z.array(z.string()).default([]);

const objectReportSchema = z.object({
  /** Index of the input document (YAML document or JSON array item). */
  document: z.number(),
  /** The file Helm rendered it from (`# Source:`). */
  source: z.string().optional(),
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  outcome: z.enum(importOutcomes),
  fields: z.number(),
  /** The AppSpec entry that renders it, e.g. `workloads[0]` or `extraObjects[2]`. */
  entry: z.string().optional(),
  formFields: fieldList,
  overrideFields: fieldList,
  removedFields: fieldList,
  droppedFields: fieldList,
  reason: z.string().optional(),
});

export const importReportSchema = z.object({
  objects: z.array(objectReportSchema),
  summary: z.object({
    objects: z.number(),
    formEntries: z.number(),
    extraObjects: z.number(),
    refused: z.number(),
    formFields: z.number(),
    overrideFields: z.number(),
    extraObjectFields: z.number(),
  }),
});

export type ImportReport = z.infer<typeof importReportSchema>;
export type ObjectReport = ImportReport['objects'][number];

/** A cluster import also says what it read but left in the cluster, and which kinds it could not list. */
export const clusterImportReportSchema = importReportSchema.extend({
  skipped: z.array(
    z.object({
      object: z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() }),
      reason: z.string(),
    }),
  ),
  unlisted: z.array(z.object({ apiVersion: z.string(), kind: z.string(), reason: z.string() })),
});

export type ClusterImportReport = z.infer<typeof clusterImportReportSchema>;
