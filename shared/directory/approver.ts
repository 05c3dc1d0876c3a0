import { wibDate } from '#shared/time';
import type { Acting, ResolvedHead, StoredPosition } from './schemas.ts';

/** What approver resolution needs of one unit: its parent and its head position (absent when never set). */
export interface HeadNode {
  code: string;
  parentCode?: string;
  head?: Pick<StoredPosition, 'title' | 'holderId' | 'acting'>;
}

/** A person as approver resolution names them. */
export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

/** The reads approver resolution makes: DynamoDB in the app, a hand-built tree in unit tests. */
export interface DirectoryReader {
  node(code: string): Promise<HeadNode | undefined>;
  person(id: string): Promise<PersonRef | undefined>;
}

// A tree deeper than this is a corrupt one (the city is at most ~5 levels deep); stop rather than loop.
const MAX_DEPTH = 32;

/** True when the acting appointment covers the WIB day of `at` (its `from` and `until` days both count). */
export const actingValidAt = (acting: Acting, at: Date): boolean => {
  const day = wibDate(at);
  return acting.from <= day && (acting.until === undefined || day <= acting.until);
};

/**
 * Who fills a head position at `at`, and on what basis. An acting official whose appointment covers that day comes
 * first: a Plh. is appointed because the holder is away for that period, a Plt. because the position has no holder
 * who can act, so in either case the holder is not the one deciding. Otherwise the holder; otherwise nobody.
 */
const filledBy = (head: HeadNode['head'], at: Date): { personId: string; basis: ResolvedHead['basis'] } | undefined => {
  if (head?.acting && actingValidAt(head.acting, at)) {
    return { personId: head.acting.personId, basis: `acting:${head.acting.kind}` };
  }
  if (head?.holderId) return { personId: head.holderId, basis: 'holder' };
  return undefined;
};

/**
 * The approver for "the head of this unit" at `at`: the official filling the unit's head position (see above); if
 * nobody does, the head of the parent unit, and so on up to the city. The answer says who, of which unit, and why
 * (`holder`, `acting:Plt`, `acting:Plh`, or `escalated-from:<unitCode>` with the vacant units passed over).
 * Undefined when no unit up to the root has anyone (or the unit does not exist).
 */
export const resolveHead = async (
  directory: DirectoryReader,
  unitCode: string,
  at: Date,
): Promise<ResolvedHead | undefined> => {
  const vacant: string[] = [];
  const seen = new Set<string>();
  let code: string | undefined = unitCode;
  while (code !== undefined && !seen.has(code) && seen.size < MAX_DEPTH) {
    seen.add(code);
    const node = await directory.node(code);
    if (!node) return undefined;
    const filled = filledBy(node.head, at);
    // A holder whose person record is gone cannot be mailed: treat the position as vacant.
    const person = filled ? await directory.person(filled.personId) : undefined;
    if (filled && person) {
      return {
        unitCode,
        headOf: node.code,
        title: node.head?.title ?? 'Kepala',
        person,
        basis: filled.basis,
        reason: vacant.length === 0 ? filled.basis : `escalated-from:${unitCode}`,
        vacant,
      };
    }
    vacant.push(node.code);
    code = node.parentCode;
  }
  return undefined;
};
