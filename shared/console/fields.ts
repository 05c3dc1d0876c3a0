import type { FieldDefinition } from '#shared/forms/definition';
import { html, type SafeHtml } from '#shared/pages/html';
import type { FormPost } from './contracts.ts';
import { fieldError } from './layout.ts';

/**
 * Form fields rendered from a form definition, every type, with the value kept and the error beside the field.
 * Validation is the definition's own (`compileForm`, through `submitForm` and `resubmit`); the browser's checks
 * (required, types) are only a convenience.
 */

/** What a field shows: the posted text, or a stored value. */
export type Shown = string | string[] | undefined;

const asText = (value: Shown): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
const asList = (value: Shown): string[] => (Array.isArray(value) ? value : value ? [value] : []);

const INPUT_TYPES: Partial<Record<FieldDefinition['type'], string>> = {
  text: 'text',
  number: 'number',
  date: 'date',
  email: 'email',
  phone: 'tel',
  nip: 'text',
};

const control = (field: FieldDefinition, value: Shown, invalid: boolean, disabled: boolean): SafeHtml => {
  const id = `f-${field.name}`;
  const common = html`id="${id}" name="${field.name}"${field.required ? html` required` : ''}${
    invalid ? html` aria-invalid="true" aria-describedby="galat-${field.name}"` : ''
  }${disabled ? html` disabled` : ''}`;
  switch (field.type) {
    case 'longtext':
      return html`<textarea ${common} rows="5"${field.maxLength ? html` maxlength="${field.maxLength}"` : ''}>${asText(value)}</textarea>`;
    case 'select':
      return html`<select ${common}><option value="">— pilih —</option>${(field.options ?? []).map(
        (o) => html`<option value="${o.value}"${asText(value) === o.value ? html` selected` : ''}>${o.label}</option>`,
      )}</select>`;
    case 'multiselect': {
      const chosen = new Set(asList(value));
      return html`${(field.options ?? []).map(
        (o) =>
          html`<label><input type="checkbox" name="${field.name}" value="${o.value}"${chosen.has(o.value) ? html` checked` : ''}${disabled ? html` disabled` : ''}> ${o.label}</label>`,
      )}`;
    }
    default: {
      const extra =
        field.type === 'number'
          ? html` step="any"${field.min !== undefined ? html` min="${field.min}"` : ''}${field.max !== undefined ? html` max="${field.max}"` : ''}`
          : field.type === 'phone'
            ? html` inputmode="tel" autocomplete="tel"`
            : field.type === 'nip'
              ? html` inputmode="numeric" autocomplete="off" maxlength="24"`
              : field.maxLength
                ? html` maxlength="${field.maxLength}"`
                : '';
      return html`<input type="${INPUT_TYPES[field.type] ?? 'text'}" ${common} value="${asText(value)}"${extra}>`;
    }
  }
};

/** One field: label, help, the error beside it, the control. */
export const formField = (
  field: FieldDefinition,
  value: Shown,
  errors: Map<string, string>,
  disabled = false,
): SafeHtml => {
  const label = html`${field.label}${field.required ? html` <span aria-hidden="true">*</span>` : ''}`;
  const help = field.help ? html`<p class="help">${field.help}</p>` : '';
  if (field.type === 'multiselect') {
    return html`<fieldset${errors.has(field.name) ? html` aria-describedby="galat-${field.name}"` : ''}><legend>${label}</legend>${help}${fieldError(errors, field.name)}${control(field, value, errors.has(field.name), disabled)}</fieldset>`;
  }
  return html`<label for="f-${field.name}">${label}</label>${help}${fieldError(errors, field.name)}${control(field, value, errors.has(field.name), disabled)}`;
};

/** Every field of a form. */
export const formFields = (
  fields: readonly FieldDefinition[],
  values: Record<string, Shown>,
  errors: Map<string, string>,
  disabled = false,
): SafeHtml => html`${fields.map((field) => formField(field, values[field.name], errors, disabled))}`;

/**
 * The values of a posted form for the definition's fields only (the CSRF token and buttons are not values):
 * checkboxes as a list, an empty list left out so that a required choice says "wajib diisi".
 */
export const valuesFromPost = (
  fields: readonly FieldDefinition[],
  body: FormPost,
): Record<string, string | string[]> => {
  const values: Record<string, string | string[]> = {};
  for (const field of fields) {
    const posted = body[field.name];
    if (posted === undefined) continue;
    if (field.type === 'multiselect') {
      const list = asList(posted);
      if (list.length > 0) values[field.name] = list;
    } else values[field.name] = asText(posted);
  }
  return values;
};

/** Stored values as a form shows them (numbers as text; lists stay lists). */
export const shownValues = (values: Record<string, unknown>): Record<string, Shown> =>
  Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.map(String) : value === undefined || value === null ? undefined : String(value),
    ]),
  );
