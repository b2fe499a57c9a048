import type { Page } from 'playwright-core';

/**
 * GET `path` of the app server's HTTP API as the person logged in on `page` (the token the app keeps
 * in localStorage), for asserting what reached the server rather than what a screen shows.
 */
export async function getAsPerson<T>(serverUrl: string, page: Page, path: string): Promise<T> {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('wedsync.session.v1') ?? '{}').token);
  const response = await fetch(`${serverUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

/** The fields of record `c/id` on `topic` as the server holds them for that person; `{}` when absent. */
export async function recordFieldsOnServer(
  serverUrl: string,
  page: Page,
  topic: string,
  c: string,
  id: string,
): Promise<Record<string, unknown>> {
  const body = await getAsPerson<{ records: { id: string; fields: Record<string, unknown> }[] }>(
    serverUrl,
    page,
    `/api/records?topic=${encodeURIComponent(topic)}&c=${encodeURIComponent(c)}`,
  );
  return body.records.find((record) => record.id === id)?.fields ?? {};
}
