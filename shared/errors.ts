/**
 * Domain errors: what went wrong in the terms of the domain, with a stable `kind`. They know nothing of HTTP; the
 * HTTP layer maps `kind` to a status in one place. `message` may be shown to the caller (as a problem's `detail`),
 * so it never holds a NIP, a token or an internal identifier.
 *
 * Each class sets `name` explicitly: bundles are minified (class names are mangled), and Lambda reports `name` as
 * the `errorType` that Step Functions Retry/Catch match.
 */

/** The kinds a domain error can be; the HTTP layer gives each its status. */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'gone';

/** A field-level complaint of an {@link InvalidError}: the dotted path of the field and what is wrong with it. */
export interface DomainFieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  cause?: unknown;
}

/** Base of every domain error: a stable `kind`, a caller-safe `message`. */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The request contradicts the current state (a registration for this NIP exists, the stage is closed). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  override name = 'ConflictError';
}

/** The thing asked for does not exist (or the caller may not know that it does). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  override name = 'NotFoundError';
}

/** The thing existed and is no longer usable: an expired or used link, a withdrawn request. */
export class GoneError extends DomainError {
  readonly kind = 'gone';
  override name = 'GoneError';
}

/** The caller is known but may not do this (another office's registration, a group they are not in). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  override name = 'ForbiddenError';
}

/** The input breaks a domain rule beyond its schema (a NIP whose birth date is not a date); `errors` says where. */
export class InvalidError extends DomainError {
  readonly kind = 'invalid';
  override name = 'InvalidError';
  readonly errors?: DomainFieldError[];

  constructor(message: string, options: DomainErrorOptions & { errors?: DomainFieldError[] } = {}) {
    super(message, options);
    if (options.errors) this.errors = options.errors;
  }
}

/** True for any domain error. */
export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
