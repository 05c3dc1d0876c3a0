import { documents, tableName } from '#shared/aws/clients';
import { listPeopleRoute } from '#shared/directory/contracts';
import { listPeople, personView } from '#shared/directory/people';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(listPeopleRoute, async ({ query }) => {
  const { people, next } = await listPeople(documents, tableName(), query);
  // Listings never show a full phone number, whoever asks.
  return { status: 200, body: { people: people.map((p) => personView(p)), ...(next ? { next } : {}) } };
});
