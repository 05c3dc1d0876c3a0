import { parseNip } from '#shared/nip';
import * as z from '#shared/zod';

/** Field types a form can have. */
export const FIELD_TYPES = [
  'text',
  'longtext',
  'number',
  'date',
  'select',
  'multiselect',
  'email',
  'phone',
  'nip',
] as const;

/**
 * A quantified group that itself holds a quantifier (`(a+)+`, `([A-Za-z]+\s?)*`, `(x{2,})+`) backtracks
 * exponentially on a near-miss: one submission could hold a function until its timeout. Such patterns are refused
 * when a form is saved (JavaScript's engine has no linear-time mode).
 */
const QUANTIFIER = String.raw`(?:[+*]|\{\d+,\d*\})`;
const GROUP_BODY = String.raw`(?:[^()\\]|\\.)*`;
const NESTED_QUANTIFIER = new RegExp(String.raw`\(${GROUP_BODY}${QUANTIFIER}${GROUP_BODY}\)${QUANTIFIER}`);
export const catastrophic = (pattern: string): boolean => NESTED_QUANTIFIER.test(pattern);

const Option = z.object({
  value: z.string().check(z.minLength(1), z.maxLength(100)),
  label: z.string().check(z.minLength(1), z.maxLength(200)),
});

/** One field of a form definition. Labels and help texts are in Bahasa Indonesia. */
export const FieldDefinition = z
  .object({
    name: z.string().check(
      z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'nama kolom: huruf kecil, angka dan garis bawah, diawali huruf'),
      z.refine((name) => !['__proto__', 'constructor', 'prototype'].includes(name), 'nama kolom tidak boleh dipakai'),
    ),
    label: z.string().check(z.minLength(1), z.maxLength(200)),
    help: z.optional(z.string().check(z.maxLength(500))),
    type: z.enum(FIELD_TYPES),
    required: z._default(z.boolean(), false),
    min: z.optional(z.number()),
    max: z.optional(z.number()),
    minLength: z.optional(z.number().check(z.int(), z.minimum(0))),
    maxLength: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
    pattern: z.optional(z.string().check(z.maxLength(200))),
    options: z.optional(z.array(Option).check(z.maxLength(200))),
  })
  .check(
    z.superRefine((field, ctx) => {
      const choice = field.type === 'select' || field.type === 'multiselect';
      if (choice && !field.options?.length)
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'pilihan wajib diisi' });
      if (!choice && field.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'hanya untuk pilihan' });
      if (field.pattern) {
        try {
          new RegExp(field.pattern, 'u');
          if (catastrophic(field.pattern)) {
            ctx.addIssue({
              code: 'custom',
              path: ['pattern'],
              message: 'pola berisi pengulangan di dalam pengulangan, mis. (a+)+; tulis tanpa pengulangan bersarang',
            });
          }
        } catch {
          ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pola bukan ekspresi reguler yang sah' });
        }
      }
      if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
        ctx.addIssue({ code: 'custom', path: ['max'], message: 'maksimum lebih kecil dari minimum' });
      }
    }),
  );
export type FieldDefinition = z.infer<typeof FieldDefinition>;

/** The fields of one version of a form (names unique). */
export const FormFields = z.array(FieldDefinition).check(
  z.minLength(1),
  z.maxLength(100),
  z.superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((field, index) => {
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'nama kolom ganda' });
      seen.add(field.name);
    });
  }),
);

const blankToUndefined = (value: unknown) =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

/** `z.preprocess` of the classic API (zod/mini has none): the value goes through `fn` before `schema` sees it. */
const preprocess = <S extends z.core.$ZodType>(fn: (value: unknown) => unknown, schema: S) =>
  z.pipe(z.transform(fn), schema);

/** The zod schema of one field's value, as submitted by JSON clients or urlencoded forms (strings). */
const fieldSchema = (field: FieldDefinition, today: () => Date): z.core.$ZodType => {
  const maxLength = field.maxLength ?? (field.type === 'longtext' ? 5_000 : 500);
  const text = () => {
    const checks: z.core.$ZodCheck<string>[] = [z.trim(), z.maxLength(maxLength)];
    if (field.minLength) checks.push(z.minLength(field.minLength));
    if (field.pattern) checks.push(z.regex(new RegExp(field.pattern, 'u'), 'format tidak sesuai'));
    return z.string().check(...checks);
  };
  switch (field.type) {
    case 'text':
    case 'longtext':
      return text();
    case 'email':
      return z.pipe(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)), z.email('alamat email tidak sah'));
    case 'phone':
      return z.pipe(
        z.pipe(
          z.string().check(z.trim()),
          z.transform((v: string) => v.replace(/[\s-]/g, '').replace(/^\+?62/, '0')),
        ),
        z.string().check(z.regex(/^08\d{7,11}$/, 'nomor telepon seluler tidak sah (contoh 081234567890)')),
      );
    case 'nip':
      return z.pipe(
        z.string().check(z.trim()),
        z.transform((value: string, ctx) => {
          const parsed = parseNip(value, today());
          if (parsed.ok) return parsed.value.nip;
          // zod/mini's transform context has no addIssue: the issue is pushed as the classic API's addIssue did
          ctx.issues.push({ code: 'custom', message: parsed.problem.message, input: value });
          return z.NEVER;
        }),
      );
    case 'number': {
      // zod 4's numbers refuse Infinity by themselves (the classic API's `.finite()` did nothing)
      const checks: z.core.$ZodCheck<number>[] = [];
      if (field.min !== undefined) checks.push(z.minimum(field.min));
      if (field.max !== undefined) checks.push(z.maximum(field.max));
      return z.coerce.number({ error: 'harus berupa angka' }).check(...checks);
    }
    case 'date':
      return z.iso.date('tanggal harus berformat TTTT-BB-HH');
    case 'select':
      return z.enum(field.options!.map((o) => o.value) as [string, ...string[]], { error: 'pilihan tidak tersedia' });
    case 'multiselect': {
      const one = z.enum(field.options!.map((o) => o.value) as [string, ...string[]], {
        error: 'pilihan tidak tersedia',
      });
      const toArray = (v: unknown) => (typeof v === 'string' ? [v] : v);
      return field.required
        ? preprocess(toArray, z.array(one).check(z.minLength(1)))
        : preprocess(toArray, z.array(one));
    }
  }
};

/**
 * Compiles a form's fields to the zod schema its submissions are validated with: unknown fields are refused, blank
 * optional fields are dropped, required fields must be present and non-blank.
 */
export const compileForm = (fields: FieldDefinition[], today: () => Date = () => new Date()) =>
  z.strictObject(
    Object.fromEntries(
      fields.map((field) => {
        const schema = fieldSchema(field, today);
        return [
          field.name,
          field.required
            ? preprocess(blankToUndefined, z.optional(schema)).check(z.refine((v) => v !== undefined, 'wajib diisi'))
            : preprocess(blankToUndefined, z.optional(schema)),
        ];
      }),
    ),
  );
