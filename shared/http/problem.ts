/** A field-level error, as RFC 9457 extension member `errors`. */
export interface FieldError {
  /** Dotted path of the offending field (`answers.waktu`), or `''` for the whole body. */
  field: string;
  /** Where the field is: the path, the query string or the body. @default body */
  in?: 'path' | 'query' | 'body';
  message: string;
}

/** An RFC 9457 problem detail. `type` is a stable URI per kind of problem. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const typeBase = 'https://abdi.dev/problems/';

/** A failure the client can act on; the error middleware turns it into a 4xx answer. */
export class HttpProblem extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(status: number, kind: string, title: string, extra: Partial<Problem> = {}, headers = {}) {
    super(title);
    this.name = 'HttpProblem';
    this.problem = { type: `${typeBase}${kind}`, title, status, ...extra };
    this.headers = headers;
  }
}

export const notFound = (what = 'The resource was not found'): HttpProblem => new HttpProblem(404, 'not-found', what);

export const internalProblem: Problem = {
  type: `${typeBase}internal`,
  title: 'Something went wrong on our side',
  status: 500,
  detail: 'The request was not completed. Try again later; if it keeps failing, contact the administrator.',
};
