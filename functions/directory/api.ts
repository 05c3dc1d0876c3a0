import { routeTable } from '#shared/http/router';
import { handler as archiveUnit } from './archive-unit.ts';
import { handler as createPerson } from './create-person.ts';
import { handler as createUnit } from './create-unit.ts';
import { handler as exportPerson } from './export-person.ts';
import { handler as getPerson } from './get-person.ts';
import { handler as getUnit } from './get-unit.ts';
import { handler as importPeople } from './import-people.ts';
import { handler as importUnits } from './import-units.ts';
import { handler as listPeople } from './list-people.ts';
import { handler as listUnits } from './list-units.ts';
import { handler as setUnitHead } from './set-unit-head.ts';
import { handler as updatePerson } from './update-person.ts';
import { handler as updateUnit } from './update-unit.ts';

/** The directory: units, people, heads and CSV imports. */
export const handler = routeTable(
  listUnits,
  getUnit,
  createUnit,
  updateUnit,
  archiveUnit,
  setUnitHead,
  importUnits,
  listPeople,
  getPerson,
  createPerson,
  updatePerson,
  importPeople,
  exportPerson,
);
