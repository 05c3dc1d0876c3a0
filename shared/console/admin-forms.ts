import { NewForm } from '#shared/forms/contracts';
import { FormFields } from '#shared/forms/definition';
import { WorkflowDefinition } from '#shared/workflow/definition';
import * as z from '#shared/zod';
import type { FormPost } from './contracts.ts';
import { issuesByField } from './layout.ts';

/**
 * What the admins' forms post, read into the domain's own schemas (`NewForm`, `FormFields`, `WorkflowDefinition`):
 * the definitions travel as JSON in a textarea, so a JSON syntax error is reported like any other field error.
 */

export const text = (body: FormPost, name: string): string => {
  const value = body[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

export const list = (body: FormPost, name: string): string[] => {
  const value = body[name];
  return Array.isArray(value) ? value : value ? [value] : [];
};

/** The version of the item the admin's page showed (optimistic concurrency); 0 when absent or not a number. */
export const expectedVersion = (body: FormPost): number => Number.parseInt(text(body, 'expectedVersion'), 10) || 0;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Map<string, string> };

const json = (source: string, field: string): Parsed<unknown> => {
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    return { ok: false, errors: new Map([[field, `bukan JSON yang sah: ${(error as Error).message}`]]) };
  }
};

const checked = <S extends z.core.$ZodType>(schema: S, value: unknown): Parsed<z.output<S>> => {
  const result = z.safeParse(schema, value);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: issuesByField(result.error.issues) };
};

/** A new form: title, description, fields (JSON). */
export const newFormOf = (body: FormPost): Parsed<z.output<typeof NewForm>> => {
  const fields = json(text(body, 'kolom'), 'fields');
  if (!fields.ok) return fields;
  return checked(NewForm, {
    title: text(body, 'judul'),
    description: text(body, 'keterangan') || undefined,
    fields: fields.value,
  });
};

/** The fields of a new form version (JSON). */
export const fieldsOf = (body: FormPost): Parsed<z.output<typeof FormFields>> => {
  const fields = json(text(body, 'kolom'), 'fields');
  if (!fields.ok) return fields;
  const result = checked(z.object({ fields: FormFields }), { fields: fields.value });
  return result.ok ? { ok: true, value: result.value.fields } : result;
};

/** A workflow definition: name, stages (JSON), restart, resubmission days, rounds. */
export const definitionOf = (body: FormPost): Parsed<z.output<typeof WorkflowDefinition>> => {
  const stages = json(text(body, 'tahap'), 'stages');
  if (!stages.ok) return stages;
  return checked(WorkflowDefinition, {
    name: text(body, 'nama'),
    stages: stages.value,
    restartFrom: text(body, 'mulaiDari') || undefined,
    resubmitWithinDays: Number(text(body, 'batasPerbaikan') || 10),
    maxRounds: Number(text(body, 'putaran') || 3),
  });
};

/** The posted definition, for showing the form again. */
export const postedDefinition = (body: FormPost) => ({
  name: text(body, 'nama'),
  stages: text(body, 'tahap'),
  restartFrom: text(body, 'mulaiDari'),
  within: text(body, 'batasPerbaikan'),
  rounds: text(body, 'putaran'),
});
