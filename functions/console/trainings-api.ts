import { routeTable } from '#shared/http/router';
import { handler as getInbox } from './get-inbox.ts';
import { handler as getTraining } from './get-training.ts';
import { handler as getTrainings } from './get-trainings.ts';
import { handler as postInbox } from './post-inbox.ts';
import { handler as postTraining } from './post-training.ts';
import { handler as postTrainings } from './post-trainings.ts';

/** The console's inbox with bulk decisions, and its training pages (nominations, seats, attendance). */
export const handler = routeTable(getInbox, postInbox, getTrainings, postTrainings, getTraining, postTraining);
