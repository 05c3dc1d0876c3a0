import { createHmac } from 'node:crypto';
import { InvalidError } from '#shared/errors';

/**
 * NIPs never appear in keys. A key that must be unique per NIP (one registration per NIP per training) holds
 * HMAC-SHA256(secret, normalized NIP) instead: without the secret, the 10^18 possible NIPs (far fewer real ones:
 * dates and sequence numbers) cannot be enumerated back from the keys, which a plain hash would allow.
 *
 * The digest is cut to its first 128 bits, 22 base64url characters. Collision margin: for n distinct NIPs the chance
 * of any two sharing a hash is about n² / 2^129; for 10^7 NIPs (every Indonesian civil servant, PNS and PPPK,
 * several times over) that is about 1.5 × 10^-25. A collision would refuse a second person's registration, never
 * merge two people's data.
 *
 * The secret is a Secrets Manager secret generated at deploy time; it is never rotated (every stored hash depends
 * on it).
 */

/** The environment variable that holds the ARN of the NIP HMAC secret (set by `AbdiFunction.bindSecret`). */
export const NIP_HMAC_SECRET_ENV = 'NIP_HMAC_SECRET_ARN';

/** Bytes of the HMAC kept in a hash. */
const HASH_BYTES = 16;

/**
 * The 18 digits of a NIP as people type it: spaces, dots and hyphens between groups ("19800101 200501 1 001") are
 * dropped. Checks only the form (18 digits), not the meaning: that is the NIP parser's job.
 * @throws InvalidError when what is left is not 18 digits
 */
export const normalizeNip = (nip: string): string => {
  const digits = nip.replace(/[\s.-]/g, '');
  if (!/^[0-9]{18}$/.test(digits)) {
    throw new InvalidError('NIP harus terdiri dari 18 angka', {
      errors: [{ field: 'nip', message: 'NIP harus terdiri dari 18 angka' }],
    });
  }
  return digits;
};

/** HMAC-SHA256 of the normalized NIP under `key`, cut to 128 bits, base64url (22 characters). */
export const nipHash = (key: string | Uint8Array, nip: string): string =>
  createHmac('sha256', key).update(normalizeNip(nip)).digest().subarray(0, HASH_BYTES).toString('base64url');
