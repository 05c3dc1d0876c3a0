/**
 * Key builders, one per entity, for the single domain table. Every item's keys come from here; fixed prefixes keep
 * entities apart and make a key readable in the console.
 */

/** An organisation node: an office that nominates staff and the service unit citizens rate are the same node. */
export const unitKeys = (code: string, type: string, name: string, parentCode?: string) => ({
  PK: `UNIT#${code}`,
  SK: 'UNIT',
  // All units by type then name (directory listing, the survey landing page).
  GSI1PK: 'UNITS',
  GSI1SK: `${type}#${name}`,
  // Children of a node (the organisation tree).
  GSI2PK: `UNIT_CHILDREN#${parentCode ?? 'ROOT'}`,
  GSI2SK: name,
});

/** A staff member, keyed by the Cognito `sub` (offices are looked up by sub, not read from the token). */
export const staffKeys = (sub: string, officeCode: string, name: string) => ({
  PK: `STAFF#${sub}`,
  SK: 'STAFF',
  // Staff of an office.
  GSI1PK: `OFFICE_STAFF#${officeCode}`,
  GSI1SK: name,
});

/** Marks a seed as applied, so a restart does not write it again. */
export const seedKeys = (name: string) => ({ PK: `SEED#${name}`, SK: 'SEED' });
