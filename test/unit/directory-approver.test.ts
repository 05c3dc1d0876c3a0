import { describe, expect, it } from 'vitest';
import {
  actingValidAt,
  type DirectoryReader,
  type HeadNode,
  type PersonRef,
  resolveHead,
} from '#shared/directory/approver';
import { wibDate } from '#shared/time';

/** A hand-built directory: nodes by code, people by id. */
const directory = (nodes: HeadNode[], people: PersonRef[]): DirectoryReader => ({
  node: async (code) => nodes.find((n) => n.code === code),
  person: async (id) => people.find((p) => p.id === id),
});

const people: PersonRef[] = [
  { id: 'walikota', name: 'Ahmad Fauzi', email: 'walikota@kota.local' },
  { id: 'camat', name: 'Dewi Lestari', email: 'camat@kec.local' },
  { id: 'lurah', name: 'Budi Santoso', email: 'lurah@kel.local' },
  { id: 'plt', name: 'Ratna Sari', email: 'plt@kel.local' },
  { id: 'plh', name: 'Rudi Hartono', email: 'plh@kel.local' },
];

const city: HeadNode = { code: 'PLG', head: { title: 'Wali Kota', holderId: 'walikota' } };
const kecamatan = (head?: HeadNode['head']): HeadNode => ({
  code: 'KEC-06',
  parentCode: 'PLG',
  ...(head ? { head } : {}),
});
const kelurahan = (head?: HeadNode['head']): HeadNode => ({
  code: 'KEL-1',
  parentCode: 'KEC-06',
  ...(head ? { head } : {}),
});

// 2026-03-10 10:00 WIB.
const at = new Date('2026-03-10T03:00:00Z');

describe('resolveHead', () => {
  it('names the holder of the head position', async () => {
    const tree = directory([city, kecamatan(), kelurahan({ title: 'Lurah', holderId: 'lurah' })], people);
    const head = await resolveHead(tree, 'KEL-1', at);
    expect(head).toEqual({
      unitCode: 'KEL-1',
      headOf: 'KEL-1',
      title: 'Lurah',
      person: people[2],
      basis: 'holder',
      reason: 'holder',
      vacant: [],
    });
  });

  it('names the Plt. of a vacant head position while the appointment runs', async () => {
    const acting = { personId: 'plt', kind: 'Plt' as const, from: '2026-03-01', until: '2026-03-31' };
    const tree = directory([city, kecamatan(), kelurahan({ title: 'Lurah', acting })], people);
    const head = await resolveHead(tree, 'KEL-1', at);
    expect(head).toMatchObject({ headOf: 'KEL-1', person: { id: 'plt' }, reason: 'acting:Plt', vacant: [] });
  });

  it('names the Plh. rather than the holder while the holder is away', async () => {
    const acting = { personId: 'plh', kind: 'Plh' as const, from: '2026-03-09', until: '2026-03-13' };
    const tree = directory([city, kecamatan(), kelurahan({ title: 'Lurah', holderId: 'lurah', acting })], people);
    expect(await resolveHead(tree, 'KEL-1', at)).toMatchObject({ person: { id: 'plh' }, reason: 'acting:Plh' });
    expect(await resolveHead(tree, 'KEL-1', new Date('2026-03-14T03:00:00Z'))).toMatchObject({
      person: { id: 'lurah' },
      reason: 'holder',
    });
  });

  it('escalates to the parent when the acting appointment has expired', async () => {
    const acting = { personId: 'plt', kind: 'Plt' as const, from: '2026-01-01', until: '2026-03-09' };
    const tree = directory(
      [city, kecamatan({ title: 'Camat', holderId: 'camat' }), kelurahan({ title: 'Lurah', acting })],
      people,
    );
    const head = await resolveHead(tree, 'KEL-1', at);
    expect(head).toEqual({
      unitCode: 'KEL-1',
      headOf: 'KEC-06',
      title: 'Camat',
      person: people[1],
      basis: 'holder',
      reason: 'escalated-from:KEL-1',
      vacant: ['KEL-1'],
    });
  });

  it('escalates past an acting appointment that has not started yet', async () => {
    const acting = { personId: 'plt', kind: 'Plt' as const, from: '2026-03-11' };
    const tree = directory(
      [city, kecamatan({ title: 'Camat', holderId: 'camat' }), kelurahan({ title: 'Lurah', acting })],
      people,
    );
    expect(await resolveHead(tree, 'KEL-1', at)).toMatchObject({ headOf: 'KEC-06', reason: 'escalated-from:KEL-1' });
  });

  it('climbs a chain of vacancies up to the city', async () => {
    const tree = directory([city, kecamatan({ title: 'Camat' }), kelurahan()], people);
    const head = await resolveHead(tree, 'KEL-1', at);
    expect(head).toMatchObject({
      unitCode: 'KEL-1',
      headOf: 'PLG',
      title: 'Wali Kota',
      person: { id: 'walikota' },
      basis: 'holder',
      reason: 'escalated-from:KEL-1',
      vacant: ['KEL-1', 'KEC-06'],
    });
  });

  it('carries the basis of the head found after escalation', async () => {
    const acting = { personId: 'plt', kind: 'Plt' as const, from: '2026-01-01' };
    const tree = directory([city, kecamatan({ title: 'Camat', acting }), kelurahan()], people);
    expect(await resolveHead(tree, 'KEL-1', at)).toMatchObject({
      headOf: 'KEC-06',
      basis: 'acting:Plt',
      reason: 'escalated-from:KEL-1',
    });
  });

  it('treats a holder missing from the directory as a vacancy', async () => {
    const tree = directory(
      [city, kecamatan({ title: 'Camat', holderId: 'camat' }), kelurahan({ title: 'Lurah', holderId: 'gone' })],
      people,
    );
    expect(await resolveHead(tree, 'KEL-1', at)).toMatchObject({ headOf: 'KEC-06', vacant: ['KEL-1'] });
  });

  it('finds nobody when the whole chain to the city is vacant', async () => {
    const tree = directory([{ code: 'PLG' }, kecamatan(), kelurahan()], people);
    expect(await resolveHead(tree, 'KEL-1', at)).toBeUndefined();
  });

  it('finds nobody for an unknown unit', async () => {
    expect(await resolveHead(directory([city], people), 'NOPE', at)).toBeUndefined();
  });

  it('stops on a corrupt tree with a loop instead of running forever', async () => {
    const loop = directory(
      [
        { code: 'A', parentCode: 'B' },
        { code: 'B', parentCode: 'A' },
      ],
      people,
    );
    expect(await resolveHead(loop, 'A', at)).toBeUndefined();
  });
});

describe('acting appointments in WIB days', () => {
  const acting = { personId: 'plt', kind: 'Plt' as const, from: '2026-03-01', until: '2026-03-31' };

  it('start at 00:00 WIB of the first day, which is 17:00 UTC the day before', () => {
    expect(wibDate(new Date('2026-02-28T17:00:00Z'))).toBe('2026-03-01');
    expect(actingValidAt(acting, new Date('2026-02-28T16:59:59Z'))).toBe(false);
    expect(actingValidAt(acting, new Date('2026-02-28T17:00:00Z'))).toBe(true);
  });

  it('include the whole last day in WIB', () => {
    expect(actingValidAt(acting, new Date('2026-03-31T16:59:59Z'))).toBe(true);
    expect(actingValidAt(acting, new Date('2026-03-31T17:00:00Z'))).toBe(false);
  });

  it('run without end when no last day is set', () => {
    expect(actingValidAt({ ...acting, until: undefined }, new Date('2030-01-01T00:00:00Z'))).toBe(true);
  });
});
