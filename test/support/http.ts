/** The JSON body of a response, loosely typed: tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const json = async (response: Response): Promise<any> => response.json();

/** GET (or the given init) and parse the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const fetchJson = async (url: string, init?: RequestInit): Promise<any> => (await fetch(url, init)).json();
