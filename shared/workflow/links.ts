import { createHash, randomBytes } from 'node:crypto';

/** Link tokens: 32 random bytes (256 bits) as base64url, 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a link token, hex: the only form of a token the table ever holds. */
export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A fresh link token and its hash. */
export const mintLinkToken = (): { token: string; hash: string } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
};

/** Whether a path segment can be a link token at all (anything else is an unknown link). */
export const looksLikeLinkToken = (value: string): boolean => TOKEN.test(value);

/** The path of a decision page. */
export const approvalPath = (token: string): string => `/approvals/${token}`;
