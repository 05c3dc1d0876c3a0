import { describe, expect, it } from 'vitest';
import { type Migration, MigrationRegistry } from '#shared/db/migrations';

// A registration's shape over time: v1 had one `name`; v2 split it; v3 renamed status `ok` to `approved`.
const splitName: Migration = {
  entity: 'registration',
  from: 1,
  to: 2,
  up: ({ name, ...rest }) => {
    const [first = '', ...others] = String(name).split(' ');
    return { ...rest, firstName: first, lastName: others.join(' ') };
  },
};
const renameStatus: Migration = {
  entity: 'registration',
  from: 2,
  to: 3,
  up: (item) => {
    // Changes its argument on purpose: the runner hands it a copy.
    if (item.status === 'ok') item.status = 'approved';
    return item;
  },
};
const registry = new MigrationRegistry([renameStatus, splitName]);

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

describe('MigrationRegistry', () => {
  it('takes the current version of an entity from its last step, and 1 for an entity without steps', () => {
    expect(registry.currentVersion('registration')).toBe(3);
    expect(registry.currentVersion('unit')).toBe(1);
  });

  it('stamps a new item with its entity and the current version', () => {
    expect(registry.stamp('registration', { PK: 'R#1', SK: 'R' })).toEqual({
      PK: 'R#1',
      SK: 'R',
      entity: 'registration',
      _v: 3,
    });
  });

  it('refuses a chain with a gap, two steps from one version, or a step of more than one version', () => {
    expect(() => new MigrationRegistry([splitName, { ...renameStatus, from: 3, to: 4 }])).toThrow(
      'migrations of registration have no step to v3',
    );
    expect(() => new MigrationRegistry([splitName, { ...splitName }])).toThrow(
      'two migrations of registration from v1',
    );
    expect(() => new MigrationRegistry([{ ...splitName, to: 3 }])).toThrow(/from an integer version >= 1 to the next/);
    expect(() => new MigrationRegistry([{ ...splitName, from: 0, to: 1 }])).toThrow(/>= 1/);
  });
});

describe('upgrade', () => {
  it('applies every step from the item’s version in order and sets the current version', () => {
    const stored = { PK: 'R#1', SK: 'R', entity: 'registration', _v: 1, name: 'Siti Nur Aminah', status: 'ok' };
    expect(registry.upgrade(stored)).toEqual({
      PK: 'R#1',
      SK: 'R',
      entity: 'registration',
      _v: 3,
      firstName: 'Siti',
      lastName: 'Nur Aminah',
      status: 'approved',
    });
  });

  it('starts from the item’s own version', () => {
    const stored = { PK: 'R#2', SK: 'R', entity: 'registration', _v: 2, firstName: 'Budi', status: 'ok' };
    expect(registry.upgrade(stored)).toEqual({ ...stored, _v: 3, status: 'approved' });
  });

  it('never changes the item it is given', () => {
    const stored = deepFreeze({ PK: 'R#3', SK: 'R', entity: 'registration', _v: 2, status: 'ok', tags: ['a'] });
    const upgraded = registry.upgrade(stored);
    expect(stored.status).toBe('ok');
    expect(upgraded.status).toBe('approved');
  });

  it('counts an item without _v as version 1', () => {
    const stored = { PK: 'R#4', SK: 'R', entity: 'registration', name: 'Dewi', status: 'new' };
    expect(registry.upgrade(stored)).toMatchObject({ _v: 3, firstName: 'Dewi', lastName: '' });
  });

  it('returns current items, newer items and items of entities without steps as they are', () => {
    const current = { PK: 'R#5', SK: 'R', entity: 'registration', _v: 3, status: 'ok' };
    const newer = { PK: 'R#6', SK: 'R', entity: 'registration', _v: 4, something: 'new' };
    const unit = { PK: 'UNIT#PLG', SK: 'UNIT', entity: 'unit', _v: 1 };
    const marker = { PK: 'SEED#demo', SK: 'SEED', _v: 1 };
    for (const item of [current, newer, unit, marker]) expect(registry.upgrade(item)).toBe(item);
    expect([current, newer, unit, marker].some((item) => registry.isOutdated(item))).toBe(false);
    expect(registry.isOutdated({ ...current, _v: 2 })).toBe(true);
  });

  it('refuses a step that changes the item’s key or entity', () => {
    const rekey = new MigrationRegistry([{ entity: 'staff', from: 1, to: 2, up: (item) => ({ ...item, SK: 'X' }) }]);
    expect(() => rekey.upgrade({ PK: 'STAFF#1', SK: 'STAFF', entity: 'staff', _v: 1 })).toThrow(
      'migration of staff v1 -> v2 changed SK, which it must keep',
    );
  });

  it('refuses an item older than the oldest step still kept', () => {
    const trimmed = new MigrationRegistry([renameStatus]);
    expect(() => trimmed.upgrade({ PK: 'R#7', SK: 'R', entity: 'registration', _v: 1 })).toThrow(
      'no migration of registration from v1',
    );
  });
});
