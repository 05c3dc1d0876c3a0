import * as z from 'zod';
import { parseNip } from '#shared/nip';

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

const Option = z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200) });

/** One field of a form definition. Labels and help texts are in Bahasa Indonesia. */
export const FieldDefinition = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'nama kolom: huruf kecil, angka dan garis bawah, diawali huruf')
      .refine((name) => !['__proto__', 'constructor', 'prototype'].includes(name), 'nama kolom tidak boleh dipakai'),
    label: z.string().min(1).max(200),
    help: z.string().max(500).optional(),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    min: z.number().optional(),
    max: z.number().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).max(10_000).optional(),
    pattern: z.string().max(200).optional(),
    options: z.array(Option).max(200).optional(),
  })
  .superRefine((field, ctx) => {
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
  });
export type FieldDefinition = z.infer<typeof FieldDefinition>;

/** The fields of one version of a form (names unique). */
export const FormFields = z
  .array(FieldDefinition)
  .min(1)
  .max(100)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((field, index) => {
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'nama kolom ganda' });
      seen.add(field.name);
    });
  });

const blankToUndefined = (value: unknown) =>
  value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

/** The zod schema of one field's value, as submitted by JSON clients or urlencoded forms (strings). */
const fieldSchema = (field: FieldDefinition, today: () => Date): z.ZodType => {
  const maxLength = field.maxLength ?? (field.type === 'longtext' ? 5_000 : 500);
  const text = () => {
    let schema = z.string().trim().max(maxLength);
    if (field.minLength) schema = schema.min(field.minLength);
    if (field.pattern) schema = schema.regex(new RegExp(field.pattern, 'u'), 'format tidak sesuai');
    return schema;
  };
  switch (field.type) {
    case 'text':
    case 'longtext':
      return text();
    case 'email':
      return z.string().trim().toLowerCase().max(254).pipe(z.email('alamat email tidak sah'));
    case 'phone':
      return z
        .string()
        .trim()
        .transform((v) => v.replace(/[\s-]/g, '').replace(/^\+?62/, '0'))
        .pipe(z.string().regex(/^08\d{7,11}$/, 'nomor telepon seluler tidak sah (contoh 081234567890)'));
    case 'nip':
      return z
        .string()
        .trim()
        .transform((value, ctx) => {
          const parsed = parseNip(value, today());
          if (parsed.ok) return parsed.value.nip;
          ctx.addIssue({ code: 'custom', message: parsed.problem.message });
          return z.NEVER;
        });
    case 'number': {
      let schema = z.coerce.number({ error: 'harus berupa angka' }).finite();
      if (field.min !== undefined) schema = schema.min(field.min);
      if (field.max !== undefined) schema = schema.max(field.max);
      return schema;
    }
    case 'date':
      return z.iso.date('tanggal harus berformat TTTT-BB-HH');
    case 'select':
      return z.enum(field.options!.map((o) => o.value) as [string, ...string[]], { error: 'pilihan tidak tersedia' });
    case 'multiselect': {
      const one = z.enum(field.options!.map((o) => o.value) as [string, ...string[]], {
        error: 'pilihan tidak tersedia',
      });
      let schema = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(one));
      if (field.required) schema = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(one).min(1));
      return schema;
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
            ? z.preprocess(blankToUndefined, schema.optional()).refine((v) => v !== undefined, 'wajib diisi')
            : z.preprocess(blankToUndefined, schema.optional()),
        ];
      }),
    ),
  );
