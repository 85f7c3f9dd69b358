// The dashboards' pages on the test file's demo app: a page fetched and parsed, an API body to
// compare it with, and an element's text as a reader sees it.
import { expect } from 'vitest';
import { parseHTML } from 'linkedom';
import { useDemoApp } from '../api/app.ts';

/** One demo app for the calling test file (see useDemoApp), with the pages' helpers. */
export function usePages() {
  const shared = useDemoApp();
  return {
    get app() {
      return shared.app;
    },
    get: shared.get,
    fails: shared.fails,
    sql: shared.sql,
    /** GET a page, expect `status` and HTML; the response, its body and its parsed document */
    async page(url: string, status = 200) {
      const res = await shared.app.inject(url);
      expect(res.statusCode, res.body.slice(0, 2000)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      return { res, body: res.body, document: parseHTML(res.body).document };
    },
    /** GET an API route, expect 200; its JSON body */
    async api<T>(url: string): Promise<T> {
      const res = await shared.app.inject(url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as T;
    },
  };
}

/** An element's text with its white space collapsed. */
export const text = (e: Element | null | undefined): string =>
  (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
